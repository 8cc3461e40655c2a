"""The ONNX Runtime MiniLM (retrieval/onnx_minilm.py) gives the numpy encoder's vectors."""

from __future__ import annotations

import numpy as np
import pytest

from aismm_assistant.retrieval.embedder import model_dir, query_encoder, sentence_encoder
from aismm_assistant.retrieval.onnx_minilm import OnnxMiniLM

TEXTS = [
    "Every production model is pinned to an exact version.",
    "x",
    "The agents all run under one shared service account an engineer created years ago, and nobody has "
    "looked at its permissions since; the rotation is manual and happens when someone remembers.",
    "Prompt-injection attempts are blocked at the gateway; the block events stay in the vendor's dashboard.",
    "",
]


def test_onnx_and_numpy_encoders_agree():
    numpy_vecs = query_encoder().embed(TEXTS)
    onnx_vecs = OnnxMiniLM(model_dir()).embed(TEXTS)
    assert onnx_vecs.shape == numpy_vecs.shape == (len(TEXTS), 384)
    assert np.min(np.sum(onnx_vecs * numpy_vecs, axis=1)) >= 0.9999
    assert np.allclose(np.linalg.norm(onnx_vecs, axis=1), 1.0, atol=1e-5)


def test_batching_and_order_do_not_change_a_vector():
    enc = OnnxMiniLM(model_dir())
    together = enc.embed(TEXTS)
    alone = np.stack([enc.embed([t])[0] for t in TEXTS])
    assert np.sum(together * alone, axis=1) == pytest.approx(np.ones(len(TEXTS)), abs=1e-5)
    assert enc.embed([]).shape == (0, 384)


def test_the_sentence_encoder_is_the_onnx_one():
    assert isinstance(sentence_encoder(), OnnxMiniLM)
