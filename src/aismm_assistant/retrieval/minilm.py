"""MiniLM query embeddings in plain numpy, straight from the shipped safetensors weights.

The model is small (6 layers, 384 wide, 12 heads), so one query of a few dozen tokens is a few
milliseconds of matrix products. Running it here, rather than through torch or an ONNX session,
means a search process never imports torch, never exports a model, and does not pay the 0.3 s and
170 MiB of starting an ONNX Runtime session. The weights are memory-mapped: the 47 MB word
embedding table is only read for the rows a query uses.

The forward pass is BERT's (post-layer-norm, exact GELU), followed by sentence-transformers'
mean pooling and L2 normalisation. A slow test holds it to cosine >= 0.9999 with
sentence-transformers on the same weights.
"""

from __future__ import annotations

import json
import math
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from aismm_assistant.errors import AismmError

MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
EMBEDDING_DIM = 384
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}

# erf by Abramowitz & Stegun 7.1.26: 1.5e-7 absolute error, below the float32 rounding of the
# activations it feeds (scipy.special would cost 0.2 s of imports for the exact function).
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to ~1.5e-7 absolute error (Abramowitz & Stegun 7.1.26), vectorised."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + _ERF_P * a)
    a1, a2, a3, a4, a5 = _ERF_A
    poly = ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Memory-mapped, read-only arrays for every tensor in a .safetensors file (no torch, no copy)."""
    with path.open("rb") as fh:
        (size,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(size))
    data = np.asarray(np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size))  # plain views, no memmap subclass
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise AismmError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        out[name] = data[start:end].view(dtype).reshape(info["shape"])
    return out


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """A query's matrices are tiny: BLAS threads only add hand-offs (on a busy 2-core host, 25 ms became 0.5 s)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; without it queries are only slower
        yield
        return
    with threadpool_limits(1, user_api="blas"):
        yield


class NumpyMiniLM:
    """Sentence embeddings for queries: tokenizer.json + the BERT encoder in numpy, mean-pooled, unit length."""

    def __init__(self, model_dir: Path) -> None:
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise AismmError(f"{model_dir}: expected a BERT model with GELU, got {config.get('model_type')}")
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        # The word table (47 MB) stays memory-mapped: a query reads only its own rows. The encoder's
        # matrices are copied once, transposed, into contiguous float32 (about 21 MB) for fast products.
        self.w = read_safetensors(model_dir / "model.safetensors")
        self._t = {
            name: np.ascontiguousarray(array.T, dtype=np.float32)
            for name, array in self.w.items()
            if name.startswith("encoder.") and name.endswith(".weight") and array.ndim == 2
        }
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a secret
        self._lock = threading.Lock()  # the tokenizer's padding state is shared

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self._t[name + ".weight"] + self.w[name + ".bias"]

    def _encode(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        w = self.w
        batch, length = ids.shape
        x = (
            np.asarray(w["embeddings.word_embeddings.weight"][ids.ravel()], dtype=np.float32).reshape(batch, length, -1)
            + w["embeddings.position_embeddings.weight"][:length][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][types]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        bias = np.where(mask[:, None, None, :] > 0, 0.0, np.finfo(np.float32).min).astype(np.float32)
        x = self._layers(x.astype(np.float32, copy=False), bias)
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def _layers(self, x: np.ndarray, bias: np.ndarray) -> np.ndarray:
        """The encoder layers: (batch, length, hidden) in, the same out; `bias` masks the padding in attention."""
        w = self.w
        batch, length, hidden = x.shape
        head = hidden // self.heads
        scale = np.float32(1.0 / math.sqrt(head))
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, self.heads, head).transpose(0, 2, 1, 3)

            q = split(self._linear(x, p + "attention.self.query"))
            k = split(self._linear(x, p + "attention.self.key"))
            v = split(self._linear(x, p + "attention.self.value"))
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
            attn = self._linear(ctx, p + "attention.output.dense")
            x = _layer_norm(x + attn, w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], self.eps)
            inter = _gelu(self._linear(x, p + "intermediate.dense"))
            out = self._linear(inter, p + "output.dense")
            x = _layer_norm(x + out, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        return x

    def embed(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        with single_threaded_blas():
            return self._embed(texts, batch_size)

    def _embed(self, texts: list[str], batch_size: int) -> np.ndarray:
        out = []
        # Sort by length so each batch pads little; restore the order at the end.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            part = [texts[i] for i in order[start : start + batch_size]]
            with self._lock:
                enc = self.tokenizer.encode_batch(part)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            types = np.array([e.type_ids for e in enc], dtype=np.int64)
            out.append(self._encode(ids, mask, types))
        vecs = np.concatenate(out)
        result = np.empty_like(vecs)
        result[order] = vecs
        return result

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
