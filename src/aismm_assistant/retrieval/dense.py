"""Dense retrieval backends: the chunk matrix in memory (default) or a Chroma server (AISMM_CHROMA_URL).

Both answer the same two questions for a query vector: cosine similarity of the best `pool`
chunks passing the filters, and of the single closest chunk. The in-memory backend serves a
687 x 384 matrix with one matrix-vector product (well under a millisecond) and needs neither
chromadb nor a database; the Chroma backend sends the same query with a `where` clause.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from aismm_assistant.retrieval.chunks import DEPLOYMENT_KEYS, Chunk


class DenseBackend(Protocol):
    def top(self, vector: np.ndarray, where: dict[str, Any] | None, pool: int) -> dict[int, float]: ...

    def best(self, vector: np.ndarray) -> float: ...


class MatrixBackend:
    """Cosine similarity against unit-length chunk vectors; filters are the same `where` Chroma would get."""

    def __init__(self, chunks: list[Chunk], matrix: np.ndarray) -> None:
        if matrix.shape[0] != len(chunks):
            raise ValueError(f"{matrix.shape[0]} vectors for {len(chunks)} chunks")
        self.matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        self.category = np.array([str(c.metadata["category"]) for c in chunks])
        self.level = np.array([int(c.metadata["level"]) for c in chunks])
        self.flags = {key: np.array([bool(c.metadata[key]) for c in chunks]) for key in DEPLOYMENT_KEYS.values()}

    def _mask(self, where: dict[str, Any] | None) -> np.ndarray | None:
        if not where:
            return None
        clauses = where.get("$and", [where])
        mask = np.ones(len(self.level), dtype=bool)
        for clause in clauses:
            ((key, value),) = clause.items()
            if key == "category":
                mask &= self.category == value
            elif key == "level":
                mask &= self.level == int(value)
            elif key in self.flags:
                mask &= self.flags[key] == bool(value)
            else:
                raise ValueError(f"unsupported filter {key!r}")
        return mask

    def _sims(self, vector: np.ndarray) -> np.ndarray:
        from aismm_assistant.retrieval.minilm import single_threaded_blas

        with single_threaded_blas():
            return self.matrix @ np.asarray(vector, dtype=np.float32)

    def top(self, vector: np.ndarray, where: dict[str, Any] | None, pool: int) -> dict[int, float]:
        sims = self._sims(vector)
        candidates = np.arange(len(sims))
        mask = self._mask(where)
        if mask is not None:
            candidates = candidates[mask]
        if len(candidates) > pool:
            part = np.argpartition(-sims[candidates], pool - 1)[:pool]
            candidates = candidates[part]
        return {int(i): float(sims[i]) for i in candidates}

    def best(self, vector: np.ndarray) -> float:
        return float(np.max(self._sims(vector), initial=0.0))


class ChromaBackend:
    """The same queries against a Chroma collection (a shared server); ids map back to chunk positions."""

    def __init__(self, collection: Any, chunks: list[Chunk]) -> None:
        self.collection = collection
        self.pos = {c.id: i for i, c in enumerate(chunks)}

    def top(self, vector: np.ndarray, where: dict[str, Any] | None, pool: int) -> dict[int, float]:
        res = self.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=min(pool, len(self.pos)),
            where=where,
            include=["distances"],
        )
        return {self.pos[cid]: 1.0 - float(d) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)
                if cid in self.pos}

    def best(self, vector: np.ndarray) -> float:
        res = self.collection.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=1,
                                    include=["distances"])
        distances = res["distances"][0]
        return 1.0 - float(distances[0]) if distances else 0.0
