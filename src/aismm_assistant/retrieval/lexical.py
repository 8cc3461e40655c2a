"""BM25 over the corpus chunks (bm25s), built in memory in a few milliseconds from the same chunks as Chroma."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

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
    """Scores every chunk for a query; the caller aggregates chunks to controls."""

    def __init__(self, chunks: list[Chunk], k1: float = 1.2, b: float = 0.75) -> None:
        import bm25s

        self.chunks = chunks
        self.model = bm25s.BM25(k1=k1, b=b)
        corpus_tokens = [tokenize(c.text) or ["_empty_"] for c in chunks]
        self.model.index(corpus_tokens, show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        tokens = [t for t in tokenize(query) if t in self.model.vocab_dict]
        if not tokens:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self.model.get_scores(tokens), dtype=np.float32)
