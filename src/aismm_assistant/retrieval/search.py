"""Hybrid retrieval: exact IDs first, then BM25 and dense (Chroma) chunk scores fused and aggregated to controls.

`search()` is the library entry point used by the CLI, the interview engine and the API. The
retriever is a lazily built, per-process singleton keyed by home, corpus hash and Chroma target,
so repeated queries pay neither the model load nor the BM25 build again.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aismm_assistant.errors import NotFoundError, ValidationError
from aismm_assistant.model import CATEGORY_ORDER, DEPLOYMENT_TYPES, Control, Corpus, normalize_deployment_type
from aismm_assistant.retrieval.chunks import DEPLOYMENT_KEYS, Chunk, corpus_chunks
from aismm_assistant.retrieval.exact import find_exact
from aismm_assistant.retrieval.lexical import STOPWORDS, BM25Index, words
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
    """One control in a ranked result; `match` says why it is there (id, aicm, reference, hybrid, related)."""

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

    method: str = "convex"  # "convex" (weighted sum of min-max normalised scores) or "rrf" (reciprocal rank)
    rrf_k: int = 60
    w_bm25: float = 0.7
    w_dense: float = 0.3
    context_weight: float = 0.3  # share of a category-scope/level-descriptor chunk score given to its controls
    pool: int = 150  # dense chunk candidates pulled from Chroma


DEFAULT_FUSION = FusionConfig()


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


class Retriever:
    """BM25 in memory, dense on Chroma, fused at the control level."""

    def __init__(self, corpus: Corpus, settings: Settings | None = None) -> None:
        self.corpus = corpus
        self.settings = settings or get_settings()
        self.chunks: list[Chunk] = corpus_chunks(corpus)
        self._pos = {c.id: i for i, c in enumerate(self.chunks)}
        self._bm25: BM25Index | None = None
        self._dense: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------ backends

    @property
    def bm25(self) -> BM25Index:
        if self._bm25 is None:
            self._bm25 = BM25Index(self.chunks)
        return self._bm25

    def dense_backend(self) -> tuple[Any, Any]:
        """(collection, embedder); builds or updates the index first if it is missing or stale."""
        with self._lock:
            if self._dense is None:
                from aismm_assistant.retrieval.embedder import OnnxEmbedder
                from aismm_assistant.retrieval.index import (
                    build_index,
                    chroma_client,
                    get_collection,
                    index_is_current,
                    onnx_path,
                )

                collection = None
                if index_is_current(self.corpus, self.settings):
                    collection = get_collection(chroma_client(self.settings))
                    if collection.count() != len(self.chunks):
                        collection = None
                if collection is None:
                    sys.stderr.write("building the search index (first use or corpus changed; takes ~20 s)...\n")
                    sys.stderr.flush()
                    build_index(self.corpus, settings=self.settings)
                    collection = get_collection(chroma_client(self.settings))
                self._dense = (collection, OnnxEmbedder(onnx_path(self.settings)))
            return self._dense

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

    def bm25_scores(self, query: str, filters: Filters, fusion: FusionConfig = DEFAULT_FUSION) -> _Scores:
        raw = self.bm25.scores(query)
        hits = {int(i): float(raw[i]) for i in np.flatnonzero(raw > 0)}
        return self._aggregate(hits, fusion, filters)

    def dense_scores(self, query: str, filters: Filters, fusion: FusionConfig = DEFAULT_FUSION) -> _Scores:
        collection, embedder = self.dense_backend()
        vector = embedder.embed_query(query)
        res = collection.query(
            query_embeddings=[vector],
            n_results=min(fusion.pool, len(self.chunks)),
            where=filters.chroma_where(),
            include=["distances"],
        )
        hits = {self._pos[cid]: 1.0 - float(d) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)
                if cid in self._pos}
        return self._aggregate(hits, fusion, filters)

    def best_similarity(self, query: str) -> float:
        """Cosine similarity of the closest chunk: a gauge of whether the corpus speaks to the query at all."""
        collection, embedder = self.dense_backend()
        res = collection.query(query_embeddings=[embedder.embed_query(query)], n_results=1, include=["distances"])
        distances = res["distances"][0]
        return 1.0 - float(distances[0]) if distances else 0.0

    def embed_query(self, query: str) -> np.ndarray:
        return self.dense_backend()[1].embed_query(query)

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

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[SearchHit]:
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
            following = self.ranked(rest if exact else query, "hybrid", filters)
            match = "hybrid"
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
