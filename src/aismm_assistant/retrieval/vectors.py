"""Chunk vectors, computed once and reused: shipped with the package, cached per corpus, embedded only when new.

Every vector is keyed by the hash of its chunk text and the model fingerprint, never by position,
so a stale or foreign file can only supply vectors for texts it really embedded; anything else is
embedded again. Sources, in order:

1. the cache of this corpus under AISMM_HOME/index (`vectors-<corpus hash>.npy` + `.json`);
2. vectors of earlier corpus versions in that folder (an edit re-embeds only what changed);
3. the vectors shipped in the package (`retrieval/embeddings/`), computed for the shipped corpus,
   so a fresh install embeds nothing but queries;
4. sentence-transformers, for whatever is left (an imported or edited corpus), with progress.

Vectors are stored as float16 (a 0.5 MB file for the corpus) and used as float32; every source is
rounded the same way, so results do not depend on where a vector came from.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aismm_assistant.retrieval.chunks import Chunk
from aismm_assistant.retrieval.embedder import EMBEDDING_DIM

SHIPPED_STEM = Path(__file__).resolve().parent / "embeddings" / "minilm-chunks"
FORMAT = 1
KEEP = 3  # corpus versions kept in the index folder
ProgressFn = Callable[[int, int], None]


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@dataclass
class VectorReport:
    """Where this corpus's vectors came from; `embedded == 0` when nothing needed the model."""

    chunks: int
    from_cache: int
    from_package: int
    embedded: int


def read_vector_file(stem: Path, model: str) -> dict[str, np.ndarray]:
    """{text key: float16 vector} from `stem.json` + `stem.npy`; empty if missing, damaged or from other weights."""
    try:
        meta = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("model") != model:
            return {}
        keys = meta["keys"]
        matrix = np.load(stem.with_suffix(".npy"), allow_pickle=False)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    if matrix.dtype != np.float16 or matrix.shape != (len(keys), EMBEDDING_DIM) or not np.isfinite(matrix).all():
        return {}
    return dict(zip(keys, matrix, strict=True))


def write_vector_file(stem: Path, keys: list[str], matrix: np.ndarray, model: str, **extra: object) -> None:
    """Atomic write of the pair (the .npy first, so a reader never sees keys without their vectors)."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    for suffix, payload in ((".npy", None), (".json", {"format": FORMAT, "model": model, **extra, "keys": keys})):
        fd, tmp = tempfile.mkstemp(dir=stem.parent, prefix=".tmp-", suffix=suffix)
        with os.fdopen(fd, "wb") as fh:
            if payload is None:
                np.save(fh, matrix.astype(np.float16), allow_pickle=False)
            else:
                fh.write(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these are shareable data files
        os.replace(tmp, stem.with_suffix(suffix))


def cached_vectors(chunks: list[Chunk], corpus_hash: str, index_dir: Path) -> np.ndarray | None:
    """The float32 matrix (chunk order) if this corpus's cache is complete; no model, no embedding."""
    from aismm_assistant.retrieval.embedder import model_fingerprint

    found = read_vector_file(index_dir / f"vectors-{corpus_hash}", model_fingerprint())
    keys = [text_key(c.text) for c in chunks]
    if not found or any(k not in found for k in keys):
        return None
    return np.stack([found[k] for k in keys]).astype(np.float32)


def chunk_vectors(
    chunks: list[Chunk], corpus_hash: str, index_dir: Path, progress: ProgressFn | None = None, reuse: bool = True
) -> tuple[np.ndarray, VectorReport]:
    """Vectors for every chunk (float32, chunk order), embedding only texts no source has; caches the result.

    `reuse=False` embeds every text with the model (`aismm index --force`).
    """
    from aismm_assistant.retrieval.embedder import model_fingerprint

    model = model_fingerprint()
    keys = [text_key(c.text) for c in chunks]
    wanted = set(keys) if reuse else set()
    own = index_dir / f"vectors-{corpus_hash}"
    pool = {k: v for k, v in read_vector_file(own, model).items() if k in wanted}
    from_cache = len(pool)
    if len(pool) < len(wanted):
        older = sorted(index_dir.glob("vectors-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for meta in older:
            if meta.with_suffix("") != own:
                pool.update({k: v for k, v in read_vector_file(meta.with_suffix(""), model).items()
                             if k in wanted and k not in pool})
        from_cache = len(pool)
    if len(pool) < len(wanted):
        pool.update({k: v for k, v in read_vector_file(SHIPPED_STEM, model).items() if k in wanted and k not in pool})
    from_package = len(pool) - from_cache
    missing = list(dict.fromkeys(k for k in keys if k not in pool))
    if missing:
        from aismm_assistant.retrieval.embedder import embed_documents

        text_of = {text_key(c.text): c.text for c in chunks}
        if progress:
            progress(0, len(missing))
        batch = 64
        for start in range(0, len(missing), batch):
            part = missing[start : start + batch]
            vectors = embed_documents([text_of[k] for k in part]).astype(np.float16)
            pool.update(zip(part, vectors, strict=True))
            if progress:
                progress(min(start + batch, len(missing)), len(missing))
    matrix = np.stack([pool[k] for k in keys]).astype(np.float16)
    unique = list(dict.fromkeys(keys))
    if not reuse or read_vector_file(own, model).keys() != set(unique):
        try:
            write_vector_file(own, unique, np.stack([pool[k] for k in unique]), model, corpus_hash=corpus_hash)
            caches = sorted(index_dir.glob("vectors-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in caches[KEEP:]:
                old.with_suffix(".npy").unlink(missing_ok=True)
                old.unlink(missing_ok=True)
        except OSError:  # read-only home: serve from memory
            pass
    report = VectorReport(len(chunks), from_cache, from_package, len(missing))
    return matrix.astype(np.float32), report
