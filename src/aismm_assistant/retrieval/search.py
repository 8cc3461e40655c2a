"""Hybrid retrieval: exact IDs first, then BM25 and dense chunk scores fused and aggregated to controls.

`search()` is the library entry point used by the CLI, the interview engine and the API. The
retriever is a lazily built, per-process singleton keyed by home, corpus hash and Chroma target,
so repeated queries pay neither the model load nor the BM25 build again; between processes the
chunks, the BM25 arrays and the chunk vectors come from caches keyed by the corpus hash.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aismm_assistant.errors import NotFoundError, ValidationError
from aismm_assistant.model import CATEGORY_ORDER, DEPLOYMENT_TYPES, Control, Corpus, normalize_deployment_type
from aismm_assistant.retrieval.chunks import DEPLOYMENT_KEYS, Chunk
from aismm_assistant.retrieval.dense import DenseBackend
from aismm_assistant.retrieval.exact import find_exact
from aismm_assistant.retrieval.lexical import STOPWORDS, BM25Index, lexical_index, words
from aismm_assistant.settings import Settings, get_settings

MAX_K = 50
MAX_QUERY_CHARS = 2000
SYSTEMS = ("hybrid", "bm25", "dense")
# Words that carry no topic in "what does MOD-03.1 require?" - such a query is a pure ID lookup.
_FILLER = STOPWORDS | {
    "require", "requires", "required", "requirement", "requirements", "mean", "means", "explain", "tell",
    "show", "control", "controls", "objective", "objectives", "kpi", "kpis", "describe", "detail", "details",
    "say", "says", "cover", "covers", "look", "lookup", "about", "please", "aismm", "evidence", "rationale",
    "description", "level", "name", "id", "aicm", "reference", "references", "mapping", "owasp", "nist",
    "ai", "rmf", "iso", "iec", "need", "needs", "ask", "asks", "assessor", "assess", "question",
}


@dataclass(frozen=True)
class SearchHit:
    """One control in a ranked result; `match` says why it is there (id, aicm, reference, hybrid, related, lexical)."""

    control_id: str
    score: float
    category: str
    level: int
    name: str
    match: str = "hybrid"
    field: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "control_id": self.control_id,
            "score": round(float(self.score), 4),
            "category": self.category,
            "level": self.level,
            "name": self.name,
            "match": self.match,
            "field": self.field,
        }


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    level: int | None = None
    deployment: str | None = None

    def allows(self, control: Control) -> bool:
        return (
            (self.category is None or control.category == self.category)
            and (self.level is None or control.level == self.level)
            and (self.deployment is None or control.applies_to([self.deployment]))
        )

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.category:
            clauses.append({"category": self.category})
        if self.level:
            clauses.append({"level": self.level})
        if self.deployment and self.deployment != "All":
            clauses.append({DEPLOYMENT_KEYS[self.deployment]: True})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class FusionConfig:
    """How chunk scores become control scores and how BM25 and dense are combined (tuned: docs/retrieval.md)."""

    # "calibrated": weighted sum of scores on absolute scales (BM25 as the share of the query's best
    # attainable score, dense as cosine); "convex": the same on per-query min-max scales; "rrf": ranks.
    method: str = "calibrated"
    rrf_k: int = 60
    w_bm25: float = 0.6
    w_dense: float = 0.4
    context_weight: float = 0.3  # share of a category-scope/level-descriptor chunk score given to its controls
    pool: int = 150  # dense chunk candidates considered
    unknown_weight: float = 1.0  # calibrated: a query word the corpus never uses, in units of the top term ceiling
    dense_floor: float = 0.0  # calibrated: the cosine that counts as no similarity at all


DEFAULT_FUSION = FusionConfig()
# The fusion used before the calibrated one, kept measurable (`aismm bench retrieval`, row hybrid_minmax).
MINMAX_FUSION = FusionConfig("convex", w_bm25=0.7, w_dense=0.3, context_weight=0.3)


def check_query(query: str, k: int) -> str:
    text = " ".join((query or "").split())
    if not text:
        raise ValidationError("empty query: give some words or a control ID")
    if len(text) > MAX_QUERY_CHARS:
        raise ValidationError(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ValidationError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")
    return text


def make_filters(category: str | None = None, level: int | str | None = None, deployment: str | None = None) -> Filters:
    """Validate filter values; every bad value fails with a one-line reason naming the allowed ones."""
    cat = None
    if category is not None:
        cat = str(category).strip().upper()
        if cat not in CATEGORY_ORDER:
            raise NotFoundError(f"no category {category!r}; known: {', '.join(CATEGORY_ORDER)}")
    lvl = None
    if level is not None:
        raw = str(level).strip().upper().removeprefix("L")
        if not (raw.isascii() and raw.isdigit()) or not 2 <= int(raw) <= 5:
            raise ValidationError(f"level {level!r}: objectives exist at levels 2-5 (L1 has none)")
        lvl = int(raw)
    dep = None
    if deployment is not None:
        try:
            dep = normalize_deployment_type(str(deployment))
        except ValueError:
            raise ValidationError(
                f"deployment type {deployment!r} unknown (allowed: All, {', '.join(DEPLOYMENT_TYPES)})"
            ) from None
        dep = None if dep == "All" else dep
    return Filters(cat, lvl, dep)


@dataclass
class _Scores:
    """Control scores from one system, with the chunk field that scored best for each control."""

    score: dict[str, float] = field(default_factory=dict)
    best_field: dict[str, str] = field(default_factory=dict)

    def ranked(self) -> list[str]:
        return sorted(self.score, key=lambda c: (-self.score[c], c))


ProgressFn = Callable[[int, int], None]
_progress_hook: ProgressFn | None = None


def set_index_progress(fn: ProgressFn | None) -> ProgressFn | None:
    """Route "embedding N chunks" progress to `fn(done, total)` (the CLI draws a bar); returns the previous hook."""
    global _progress_hook
    previous, _progress_hook = _progress_hook, fn
    return previous


def _report_progress(done: int, total: int) -> None:
    if _progress_hook is not None:
        _progress_hook(done, total)
    elif done == 0 and total:
        sys.stderr.write(f"embedding {total} new or changed corpus chunks (first use of this corpus)...\n")
        sys.stderr.flush()


class Retriever:
    """BM25 and dense chunk scores, fused at the control level.

    The dense side loads on first use: chunk vectors from the cache, the shipped package data or the
    model (see `vectors.py`), and the numpy query encoder. Inside `aismm serve` (settings.serving)
    no request waits for that: a background thread loads it, and until it is ready searches rank
    with BM25 alone (`match: "lexical"`).
    """

    def __init__(self, corpus: Corpus, settings: Settings | None = None) -> None:
        self.corpus = corpus
        self.settings = settings or get_settings()
        chunks, bm25 = lexical_index(corpus)
        self.chunks: list[Chunk] = chunks
        self.bm25: BM25Index = bm25
        self._pos = {c.id: i for i, c in enumerate(self.chunks)}
        self._dense: DenseBackend | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._state_lock = threading.Lock()
        self._failed_at = -1e9
        self.load_error: str | None = None

    # ------------------------------------------------------------ backends

    def _load_dense(self) -> DenseBackend:
        from aismm_assistant.retrieval.dense import ChromaBackend, MatrixBackend
        from aismm_assistant.retrieval.embedder import query_encoder

        if self.settings.chroma_url:
            from aismm_assistant.retrieval.index import (
                build_index,
                chroma_client,
                get_collection,
                index_is_current,
            )

            collection = None
            if index_is_current(self.corpus, self.settings):
                collection = get_collection(chroma_client(self.settings))
                if collection.count() != len(self.chunks):
                    collection = None
            if collection is None:
                build_index(self.corpus, settings=self.settings, progress=_report_progress)
                collection = get_collection(chroma_client(self.settings))
            backend: DenseBackend = ChromaBackend(collection, self.chunks)
        else:
            from aismm_assistant.retrieval.vectors import cached_vectors, chunk_vectors

            matrix = cached_vectors(self.chunks, self.corpus.content_hash, self.settings.index_dir)
            if matrix is None:
                matrix, _ = chunk_vectors(self.chunks, self.corpus.content_hash, self.settings.index_dir,
                                          _report_progress)
            backend = MatrixBackend(self.chunks, matrix)
        query_encoder()
        return backend

    def _load_locked(self) -> DenseBackend:
        with self._lock:
            if self._dense is None:
                self._dense = self._load_dense()
            return self._dense

    def _background_load(self) -> None:
        try:
            self._load_locked()
            self.load_error = None
        except Exception as exc:  # noqa: BLE001 - reported, searches stay lexical, retried later
            self._failed_at = time.monotonic()
            self.load_error = str(exc)
            sys.stderr.write(f"error: the dense search index could not be loaded: {exc}\n")

    def dense_backend(self, wait: bool = True) -> DenseBackend | None:
        """The dense backend, loading (or building) it first; with wait=False, None while it loads elsewhere."""
        if self._dense is not None:
            return self._dense
        if wait:
            return self._load_locked()
        self.warm_in_background()
        return self._dense

    def warm_in_background(self) -> threading.Thread | None:
        """Start loading the dense side in a daemon thread (once; a failure is retried after 60 s)."""
        with self._state_lock:
            running = self._thread is not None and self._thread.is_alive()
            if self._dense is None and not running and time.monotonic() - self._failed_at > 60:
                self._thread = threading.Thread(target=self._background_load, name="aismm-dense-load", daemon=True)
                self._thread.start()
            return self._thread

    @property
    def _wait(self) -> bool:
        return not self.settings.serving

    # ------------------------------------------------------------ per-system scores

    def _aggregate(self, chunk_scores: dict[int, float], fusion: FusionConfig, filters: Filters) -> _Scores:
        out = _Scores()
        context: dict[tuple[str, int], float] = {}
        for i, s in chunk_scores.items():
            meta = self.chunks[i].metadata
            cid = str(meta["control_id"])
            if not cid:
                key = (str(meta["category"]), int(meta["level"]))
                context[key] = max(context.get(key, float("-inf")), s)
                continue
            control = self.corpus.control(cid)
            if control is None or not filters.allows(control):
                continue
            if s > out.score.get(cid, float("-inf")):
                out.score[cid] = s
                out.best_field[cid] = str(meta["field"])
        if fusion.context_weight and context:
            for cid in out.score:
                c = self.corpus.control(cid)
                assert c is not None
                bonus = max(context.get((c.category, c.level), 0.0), context.get((c.category, 0), 0.0))
                out.score[cid] += fusion.context_weight * max(bonus, 0.0)
        return out

    def bm25_chunk_scores(self, query: str, fusion: FusionConfig = DEFAULT_FUSION) -> dict[int, float]:
        """Chunk -> BM25 score; calibrated fusion divides by the query's ceiling (share of a perfect match)."""
        raw = self.bm25.scores(query)
        scale = 1.0
        if fusion.method == "calibrated":
            scale = self.bm25.ceiling(query, fusion.unknown_weight) or 1.0
        return {int(i): float(raw[i]) / scale for i in np.flatnonzero(raw > 0)}

    def bm25_scores(self, query: str, filters: Filters, fusion: FusionConfig = DEFAULT_FUSION) -> _Scores:
        return self._aggregate(self.bm25_chunk_scores(query, fusion), fusion, filters)

    def dense_chunk_scores(
        self, query: str, filters: Filters, fusion: FusionConfig = DEFAULT_FUSION, backend: DenseBackend | None = None
    ) -> dict[int, float]:
        backend = backend or self.dense_backend()
        assert backend is not None
        hits = backend.top(self.embed_query(query), filters.chroma_where(), min(fusion.pool, len(self.chunks)))
        if fusion.method == "calibrated" and fusion.dense_floor:
            floor = fusion.dense_floor
            return {i: max(0.0, (s - floor) / (1.0 - floor)) for i, s in hits.items()}
        return hits

    def dense_scores(self, query: str, filters: Filters, fusion: FusionConfig = DEFAULT_FUSION,
                     backend: DenseBackend | None = None) -> _Scores:
        return self._aggregate(self.dense_chunk_scores(query, filters, fusion, backend), fusion, filters)

    def best_similarity(self, query: str) -> float:
        """Cosine similarity of the closest chunk: a gauge of whether the corpus speaks to the query at all.

        While a server is still loading the dense side, the gauge is lexical: the share of the
        query's best attainable BM25 score that the best chunk reaches.
        """
        backend = self.dense_backend(wait=self._wait)
        if backend is None:
            raw = self.bm25.scores(query)
            ceiling = self.bm25.ceiling(query)
            return float(raw.max(initial=0.0)) / ceiling if ceiling else 0.0
        return backend.best(self.embed_query(query))

    def embed_query(self, query: str) -> np.ndarray:
        from aismm_assistant.retrieval.embedder import query_encoder

        return query_encoder().embed_query(query)

    # ------------------------------------------------------------ fusion and the public ranking

    def ranked(
        self, query: str, system: str = "hybrid", filters: Filters | None = None, fusion: FusionConfig | None = None
    ) -> list[tuple[str, float, str]]:
        """(control_id, score, best field) for every candidate, best first, for one system."""
        filters = filters or Filters()
        fusion = fusion or DEFAULT_FUSION
        if system == "bm25":
            s = self.bm25_scores(query, filters, fusion)
            return [(c, s.score[c], s.best_field[c]) for c in s.ranked()]
        if system == "dense":
            s = self.dense_scores(query, filters, fusion)
            return [(c, s.score[c], s.best_field[c]) for c in s.ranked()]
        if system != "hybrid":
            raise ValidationError(f"unknown retrieval system {system!r} (known: {', '.join(SYSTEMS)})")
        return fuse(self.bm25_scores(query, filters, fusion), self.dense_scores(query, filters, fusion), fusion)

    def _hybrid_or_lexical(
        self, query: str, filters: Filters, fusion: FusionConfig = DEFAULT_FUSION
    ) -> tuple[list[tuple[str, float, str]], str]:
        backend = self.dense_backend(wait=self._wait)
        bm25 = self.bm25_scores(query, filters, fusion)
        if backend is None:
            return fuse(bm25, _Scores(), fusion), "lexical"
        return fuse(bm25, self.dense_scores(query, filters, fusion, backend), fusion), "hybrid"

    def related(self, anchors: list[str], filters: Filters) -> list[tuple[str, float, str]]:
        """Neighbours of named controls without a model: same category, nearest level first."""
        out = []
        for cid in anchors:
            anchor = self.corpus.control(cid)
            if anchor is None:
                continue
            cat = self.corpus.category(anchor.category)
            for c in cat.controls if cat else []:
                if c.id != cid and filters.allows(c):
                    distance = abs(c.level - anchor.level)
                    out.append((c.id, round(0.5 - 0.1 * distance - 0.01 * c.number, 4), "objective"))
        return sorted(out, key=lambda t: (-t[1], t[0]))

    def search(
        self, query: str, k: int = 5, filters: Filters | None = None, fusion: FusionConfig = DEFAULT_FUSION
    ) -> list[SearchHit]:
        filters = filters or Filters()
        exact, rest = find_exact(query, self.corpus)
        hits: list[SearchHit] = []
        seen: set[str] = set()

        def add(cid: str, score: float, match: str, fld: str) -> None:
            control = self.corpus.control(cid)
            if control is None or cid in seen or not filters.allows(control):
                return
            seen.add(cid)
            hits.append(SearchHit(cid, score, control.category, control.level, control.name, match, fld))

        for m in exact:
            add(m.control_id, 1.0 if m.kind == "id" else 0.95, m.kind, m.kind)
        if exact and not [w for w in words(rest) if w not in _FILLER]:
            following = self.related([m.control_id for m in exact], filters)
            match = "related"
        else:
            following, match = self._hybrid_or_lexical(rest if exact else query, filters, fusion)
        for cid, score, fld in following:
            if len(hits) >= k:
                break
            add(cid, min(score, 0.9), match, fld)
        return hits[:k]


def fuse(bm25: _Scores, dense: _Scores, fusion: FusionConfig) -> list[tuple[str, float, str]]:
    """Combine two control rankings; scores are scaled into [0, 0.9] so exact matches always lead."""
    ids = set(bm25.score) | set(dense.score)
    combined: dict[str, float] = {}
    if fusion.method == "rrf":
        rb = {c: r for r, c in enumerate(bm25.ranked(), 1)}
        rd = {c: r for r, c in enumerate(dense.ranked(), 1)}
        top = (fusion.w_bm25 + fusion.w_dense) / (fusion.rrf_k + 1)
        for c in ids:
            s = fusion.w_bm25 / (fusion.rrf_k + rb[c]) if c in rb else 0.0
            s += fusion.w_dense / (fusion.rrf_k + rd[c]) if c in rd else 0.0
            combined[c] = 0.9 * s / top
    elif fusion.method == "calibrated":
        top = (fusion.w_bm25 + fusion.w_dense) * (1.0 + fusion.context_weight)
        for c in ids:
            s = fusion.w_bm25 * bm25.score.get(c, 0.0) + fusion.w_dense * max(dense.score.get(c, 0.0), 0.0)
            combined[c] = 0.9 * min(s / top, 1.0)
    elif fusion.method == "convex":
        nb, nd = _minmax(bm25.score), _minmax(dense.score)
        total = fusion.w_bm25 + fusion.w_dense
        for c in ids:
            combined[c] = 0.9 * (fusion.w_bm25 * nb.get(c, 0.0) + fusion.w_dense * nd.get(c, 0.0)) / total
    else:
        raise ValidationError(f"unknown fusion method {fusion.method!r}")

    def best_field(c: str) -> str:
        if c in dense.score and (c not in bm25.score or fusion.w_dense >= fusion.w_bm25):
            return dense.best_field[c]
        return bm25.best_field.get(c, dense.best_field.get(c, ""))

    return [(c, combined[c], best_field(c)) for c in sorted(ids, key=lambda c: (-combined[c], c))]


def _minmax(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo < 1e-12:
        return {c: 1.0 for c in scores}
    return {c: (s - lo) / (hi - lo) for c, s in scores.items()}


_RETRIEVERS: dict[tuple[str, ...], Retriever] = {}
_RETRIEVERS_LOCK = threading.Lock()


def get_retriever(settings: Settings | None = None) -> Retriever:
    """The warm retriever for this home, corpus version and Chroma target (rebuilt when the corpus changes)."""
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval.index import chroma_target

    settings = settings or get_settings()
    corpus = load_corpus(settings.corpus_dir)
    key = (str(settings.home), str(settings.corpus_dir), corpus.content_hash, chroma_target(settings))
    with _RETRIEVERS_LOCK:
        retriever = _RETRIEVERS.get(key)
        if retriever is None:
            if len(_RETRIEVERS) >= 4:
                _RETRIEVERS.pop(next(iter(_RETRIEVERS)))
            retriever = _RETRIEVERS[key] = Retriever(corpus, settings)
        return retriever


def warm_up_in_background(settings: Settings | None = None) -> threading.Thread:
    """For a server: load the corpus, the lexical index and the dense side off the request path."""

    def run() -> None:
        try:
            retriever = get_retriever(settings)
            loader = retriever.warm_in_background()
            if loader is not None:
                loader.join()
            if retriever._dense is not None:
                retriever.search("warm up the search index", 3)
        except Exception as exc:  # noqa: BLE001 - the first request reports the problem properly
            sys.stderr.write(f"warning: search warm-up failed: {exc}\n")

    thread = threading.Thread(target=run, name="aismm-search-warmup", daemon=True)
    thread.start()
    return thread


def search(
    query: str,
    k: int = 5,
    category: str | None = None,
    level: int | str | None = None,
    deployment: str | None = None,
) -> list[SearchHit]:
    """Controls for a query, best first: named IDs/AICM/references, then hybrid BM25 + dense results."""
    text = check_query(query, k)
    filters = make_filters(category, level, deployment)
    return get_retriever().search(text, k, filters)
