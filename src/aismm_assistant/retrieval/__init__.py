"""Retrieval over the AISMM corpus: exact IDs, BM25, dense vectors on Chroma, hybrid fusion.

Importing this package is cheap; the heavy stack (chromadb, torch, sentence-transformers) loads only when a
query or an index build needs it.
"""

from __future__ import annotations

from aismm_assistant.retrieval.search import SearchHit, get_retriever, search

__all__ = ["SearchHit", "build_index", "get_retriever", "search"]


def build_index(*args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - thin re-export, see index.build_index
    """Embed the corpus into Chroma incrementally (see `retrieval.index.build_index`)."""
    from aismm_assistant.retrieval.index import build_index as _build

    return _build(*args, **kwargs)
