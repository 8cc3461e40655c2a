"""The corpus vectors shipped with the package belong to the shipped corpus and the shipped model.

When this fails after a corpus edit, regenerate with one command (embeds only the changed text):

    HF_HUB_OFFLINE=1 .venv/bin/python scripts/build_embeddings.py

A stale file is never wrong at run time (vectors are matched by text hash, the rest embedded), only
slower on a fresh install.
"""

from __future__ import annotations

import json

import numpy as np

from aismm_assistant.settings import PROJECT_ROOT

REGENERATE = "stale: run `python scripts/build_embeddings.py` and commit src/aismm_assistant/retrieval/embeddings/"


def test_shipped_vectors_match_the_shipped_corpus_and_model():
    from aismm_assistant.corpus import load_corpus_dir
    from aismm_assistant.retrieval.chunks import corpus_chunks
    from aismm_assistant.retrieval.embedder import EMBEDDING_DIM, model_fingerprint
    from aismm_assistant.retrieval.vectors import SHIPPED_STEM, read_vector_file, text_key

    meta = json.loads(SHIPPED_STEM.with_suffix(".json").read_text(encoding="utf-8"))
    corpus = load_corpus_dir(PROJECT_ROOT / "corpus")
    assert meta["corpus_hash"] == corpus.content_hash, REGENERATE
    assert meta["model"] == model_fingerprint(), REGENERATE
    vectors = read_vector_file(SHIPPED_STEM, model_fingerprint())
    missing = [c.id for c in corpus_chunks(corpus) if text_key(c.text) not in vectors]
    assert missing == [], REGENERATE
    matrix = np.stack(list(vectors.values())).astype(np.float32)
    assert matrix.shape[1] == EMBEDDING_DIM
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=2e-3)  # unit vectors, as the model gives
    assert SHIPPED_STEM.with_suffix(".npy").stat().st_size < 1_500_000
