"""The Chroma index of corpus chunks: embedded PersistentClient under AISMM_HOME/index, or a Chroma server.

Vectors come from `retrieval/vectors.py` (shipped with the package, cached, or embedded when new),
so a build on a fresh install embeds nothing. Writes are incremental by content hash: each chunk's
metadata stores the hash of its text + metadata + model weights, so a re-run writes only new or
changed chunks and deletes stale ones. A manifest beside the index records the corpus version and
hash so that a query can tell, without opening Chroma, whether the index is current.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlparse

from aismm_assistant.errors import AismmError, ValidationError
from aismm_assistant.model import Corpus
from aismm_assistant.retrieval.chunks import Chunk, corpus_chunks
from aismm_assistant.settings import Settings, get_settings

COLLECTION = "aismm-chunks"
MANIFEST = "manifest.json"
ProgressFn = Callable[[int, int], None]


@dataclass
class IndexReport:
    """What a build did; `embedded == 0` on a re-run with nothing changed."""

    corpus_name: str
    corpus_version: str
    corpus_hash: str
    target: str
    chunks: int
    embedded: int  # computed with the model in this build
    from_package: int  # precomputed vectors shipped with the package
    from_cache: int  # vectors cached under AISMM_HOME/index by an earlier build or search
    written: int  # chunks written to Chroma
    deleted: int
    unchanged: int  # already in Chroma with the same hash
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def chroma_target(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return settings.chroma_url or str(settings.index_dir / "chroma")


def chroma_client(settings: Settings | None = None) -> Any:
    """PersistentClient under the home directory, or HttpClient when AISMM_CHROMA_URL is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = settings or get_settings()
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValidationError(f"AISMM_CHROMA_URL {settings.chroma_url!r}: expected http(s)://host:port")
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # connection errors vary by transport
            raise AismmError(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}") from None
    path = settings.index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def get_collection(client: Any) -> Any:
    # Vectors are always passed precomputed; Chroma never embeds on its own.
    return client.get_or_create_collection(
        COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None
    )


def stored_hash(chunk: Chunk, fingerprint: str) -> str:
    return f"{chunk.content_hash}:{fingerprint}"


def read_manifest(settings: Settings | None = None) -> dict[str, Any] | None:
    path = (settings or get_settings()).index_dir / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def index_is_current(corpus: Corpus, settings: Settings | None = None) -> bool:
    """Cheap check (no Chroma, no torch): the manifest matches this corpus, model and target."""
    from aismm_assistant.retrieval.embedder import model_fingerprint

    settings = settings or get_settings()
    m = read_manifest(settings)
    return bool(
        m
        and m.get("corpus_hash") == corpus.content_hash
        and m.get("model") == model_fingerprint()
        and m.get("target") == chroma_target(settings)
    )


def build_index(
    corpus: Corpus | None = None,
    *,
    progress: ProgressFn | None = None,
    force: bool = False,
    settings: Settings | None = None,
) -> IndexReport:
    """Vectors for every chunk (embedding only what no cache has), then write what changed into Chroma."""
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval.embedder import model_fingerprint
    from aismm_assistant.retrieval.vectors import chunk_vectors

    started = time.perf_counter()
    settings = settings or get_settings()
    corpus = corpus or load_corpus()
    chunks = corpus_chunks(corpus)
    fingerprint = model_fingerprint()
    client = chroma_client(settings)
    if force:
        try:
            client.delete_collection(COLLECTION)
        except Exception:  # noqa: BLE001 - absent collection
            pass
    matrix, vreport = chunk_vectors(chunks, corpus.content_hash, settings.index_dir, progress, reuse=not force)
    collection = get_collection(client)
    existing = collection.get(include=["metadatas"])
    have = {cid: (meta or {}).get("hash") for cid, meta in zip(existing["ids"], existing["metadatas"], strict=True)}
    wanted = {c.id for c in chunks}
    todo = [i for i, c in enumerate(chunks) if have.get(c.id) != stored_hash(c, fingerprint)]
    stale = [cid for cid in have if cid not in wanted]
    if stale:
        collection.delete(ids=stale)
    batch = 256
    for start in range(0, len(todo), batch):
        part = [chunks[i] for i in todo[start : start + batch]]
        collection.upsert(
            ids=[c.id for c in part],
            embeddings=matrix[todo[start : start + batch]],
            documents=[c.text for c in part],
            metadatas=[{**c.metadata, "hash": stored_hash(c, fingerprint)} for c in part],
        )
    report = IndexReport(
        corpus_name=corpus.meta.name,
        corpus_version=corpus.meta.version,
        corpus_hash=corpus.content_hash,
        target=chroma_target(settings),
        chunks=len(chunks),
        embedded=vreport.embedded,
        from_package=vreport.from_package,
        from_cache=vreport.from_cache,
        written=len(todo),
        deleted=len(stale),
        unchanged=len(chunks) - len(todo),
        seconds=round(time.perf_counter() - started, 3),
    )
    manifest = {**report.as_dict(), "model": fingerprint, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    (settings.index_dir / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return report
