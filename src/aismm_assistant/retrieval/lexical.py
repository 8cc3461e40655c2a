"""BM25 over the corpus chunks (bm25s), built in memory in a few milliseconds from the same chunks as Chroma."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from aismm_assistant.model import Corpus
from aismm_assistant.retrieval.chunks import Chunk

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:[&][a-z0-9]+)?")
# English function words plus words every question carries but no objective is about.
STOPWORDS: frozenset[str] = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers how i if in into is it its itself just me more most my no nor not now of off
    on once only or other our ours out over own same she should so some such than that the their them
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours us i'm we're what's
    """.split()
)


@lru_cache(maxsize=1)
def _stemmer():  # noqa: ANN202 - PyStemmer object
    try:
        import Stemmer

        return Stemmer.Stemmer("english")
    except ImportError:  # pragma: no cover - PyStemmer is a dependency; degrade to no stemming
        return None


def words(text: str) -> list[str]:
    """Lower-case word tokens without stopwords, not stemmed."""
    return [w for w in _TOKEN_RE.findall(text.lower()) if w not in STOPWORDS]


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens without stopwords, Snowball-stemmed."""
    found = words(text)
    stemmer = _stemmer()
    return list(stemmer.stemWords(found)) if stemmer else found


class BM25Index:
    """Scores every chunk for a query; the caller aggregates chunks to controls.

    bm25s builds the index (Lucene BM25, k1=1.2, b=0.75); its precomputed per-(term, chunk) scores
    are kept as three plain arrays, so a later process loads them from the cache and scores a
    query with numpy alone (no bm25s import, no re-tokenising the corpus).
    """

    def __init__(self, vocab: dict[str, int], data: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
                 num_docs: int) -> None:
        self.vocab = vocab
        self.data = np.asarray(data, dtype=np.float32)
        self.indices = np.asarray(indices, dtype=np.int64)
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.num_docs = int(num_docs)
        # The best score each term reaches in any chunk: the ceiling for calibrating a query's scores.
        ceilings = np.zeros(len(self.indptr) - 1, dtype=np.float32)
        nonempty = np.flatnonzero(np.diff(self.indptr) > 0)
        if len(nonempty):
            ceilings[nonempty] = np.maximum.reduceat(self.data, self.indptr[nonempty])
        self.ceilings = ceilings
        self.top_ceiling = float(ceilings.max(initial=0.0))

    @classmethod
    def build(cls, chunks: list[Chunk], k1: float = 1.2, b: float = 0.75) -> BM25Index:
        import bm25s

        model = bm25s.BM25(k1=k1, b=b)
        model.index([tokenize(c.text) or ["_empty_"] for c in chunks], show_progress=False)
        sc = model.scores
        return cls(dict(model.vocab_dict), sc["data"], sc["indices"], sc["indptr"], sc["num_docs"])

    def arrays(self) -> dict[str, object]:
        """What the cache stores; `BM25Index(**arrays)` rebuilds the same index."""
        return {"vocab": self.vocab, "data": self.data, "indices": self.indices, "indptr": self.indptr,
                "num_docs": self.num_docs}

    def scores(self, query: str) -> np.ndarray:
        """Raw BM25 score of every chunk (the same numbers bm25s.BM25.get_scores gives)."""
        scores = np.zeros(self.num_docs, dtype=np.float32)
        for t in tokenize(query):
            i = self.vocab.get(t)
            if i is None:
                continue
            start, end = self.indptr[i], self.indptr[i + 1]
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        return scores

    def ceiling(self, query: str, unknown_weight: float = 1.0) -> float:
        """The score a chunk would reach by matching every query term as well as the corpus ever does.

        A query word the corpus never uses counts as `unknown_weight` x the largest term ceiling: the
        corpus does not speak to it, so whatever matches the rest is only a partial match.
        """
        total = 0.0
        for t in tokenize(query):
            i = self.vocab.get(t)
            total += float(self.ceilings[i]) if i is not None else unknown_weight * self.top_ceiling
        return total


def lexical_index(corpus: Corpus) -> tuple[list[Chunk], BM25Index]:
    """The corpus chunks and their BM25 index, from the cache when this corpus was indexed before.

    Keyed by the corpus hash and the chunking/tokenising code; a miss chunks and indexes (bm25s)
    and stores the result for the next process.
    """
    from aismm_assistant import cache
    from aismm_assistant.retrieval import chunks as chunks_module
    from aismm_assistant.retrieval.chunks import corpus_chunks

    name = f"lexical-{corpus.content_hash}-{cache.code_key(chunks_module.__file__, __file__)}.pickle"
    hit = cache.read(name)
    if isinstance(hit, dict) and hit.get("corpus_hash") == corpus.content_hash:
        try:
            return hit["chunks"], BM25Index(**hit["bm25"])
        except (KeyError, TypeError, ValueError):
            pass
    chunks = corpus_chunks(corpus)
    index = BM25Index.build(chunks)
    cache.write(name, {"corpus_hash": corpus.content_hash, "chunks": chunks, "bm25": index.arrays()})
    return chunks, index
