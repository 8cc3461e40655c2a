"""Sentence reading by meaning: how an evidence sentence reads, from its MiniLM embedding (issue 11).

The rules read a sentence through words: negations, plans, hedges, partial-scope cues. What they miss are the
sentences whose meaning is a gap without any such word ("the camera pipelines share one account per site",
"weekend alerts sit in the queue until Monday", "the drafting agent runs under its own identity with broad read")
and the ones that sound like a control but describe only part of it. This module reads each evidence sentence by
what it means: a multinomial logistic regression over the sentence's MiniLM embedding (the numpy encoder the search
already uses for queries; no torch) estimates whether the objective it was credited to turned out met, partial or
not met in the assessments it was trained on.

Trained only on the tuning set (`python -m aismm_assistant.evals.training train`), beside the status model: every
decided evidence sentence (one the rules read as met, partial or not met) is labelled with the expected verdict of
the objective it was credited to. The labels are the assessor's, per objective, never per sentence, so the reader
learns what sentences of met, partial and absent controls look like, not a word list. Its output never decides
alone: five numbers per objective (the match-weighted mean of each class over the objective's evidence, and the
highest partial and not-met reading) join the learned status model's features, and that model keeps its guards
(an undiscussed, vague or hedged objective stays unknown, met needs a sentence that itself says "in place", a
stated figure below the bar stays partial; learned.py lists them all). The status model is trained on readings cross-fitted over organisation folds, so it learns how far to
trust a reader that has not seen the organisation.

Weights: `sentence_model.json` beside this file (385 x 3 numbers). Without the MiniLM package or the weights the
reader is unavailable and the rules decide alone (analysis.analyse_full).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aismm_assistant.interview.proposals import Evidence

READER_PATH = Path(__file__).resolve().parent / "sentence_model.json"
LABELS = ("met", "partial", "not_met")
FEATURES = ("reading_met", "reading_partial", "reading_not_met", "reading_partial_max", "reading_not_met_max")
READING = True  # switch for ablation: False leaves the reading features at zero and the status model off


@lru_cache(maxsize=4)
def load_reader(path: str | None = None) -> dict | None:
    """The shipped reader weights, or None when absent (or for another embedding size)."""
    p = Path(path) if path else READER_PATH
    if not p.exists():
        return None
    from aismm_assistant.retrieval.embedder import EMBEDDING_DIM

    model = json.loads(p.read_text(encoding="utf-8"))
    weights = model.get("weights", [])
    if list(model.get("labels", [])) != list(LABELS) or len(weights) != EMBEDDING_DIM + 1 or any(
            len(row) != len(LABELS) for row in weights):
        raise ValueError(f"{p}: the sentence reader was trained for other labels or another embedding size; "
                         "regenerate with `python -m aismm_assistant.evals.training train`")
    return model


def embed(texts: Sequence[str]) -> list[Any] | None:
    """MiniLM unit vectors of the sentences (memoised per process), or None without the encoder."""
    from aismm_assistant.interview import attribution

    if not texts:
        return []
    if not attribution.enabled():
        return None
    return attribution.embed_sentences(list(texts))


def probabilities(weights: Sequence[Sequence[float]], vectors: Sequence[Any]) -> list[tuple[float, ...]]:
    """(met, partial, not_met) for each sentence vector: softmax of the reader's scores (weights: one row per
    dimension, bias last), all sentences in one product."""
    import numpy as np

    if not len(vectors):
        return []
    w = np.asarray(weights, dtype=np.float64)
    z = np.asarray(vectors, dtype=np.float64) @ w[:-1] + w[-1]
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    e /= e.sum(axis=1, keepdims=True)
    return [tuple(float(v) for v in row) for row in e]


def read_sentences(quotes: Iterable[str], reader: Mapping | None = None) -> dict[str, tuple[float, ...]] | None:
    """Per distinct sentence, (met, partial, not_met) probabilities; None when the reader cannot run."""
    if not READING:
        return None
    reader = reader if reader is not None else load_reader()
    if reader is None:
        return None
    unique = list(dict.fromkeys(quotes))
    vectors = embed(unique)
    if vectors is None:
        return None
    return dict(zip(unique, probabilities(reader["weights"], vectors), strict=True))


def decided(items: Iterable[Evidence]) -> list[Evidence]:
    """The evidence sentences a reading is computed for: those the rules read as met, partial or not met."""
    return [e for e in items if e.status in LABELS]


def features(items: Sequence[Evidence], readings: Mapping[str, Sequence[float]] | None) -> list[float]:
    """The status model's five reading features for one objective (zeros without readings or evidence)."""
    rows = [(e.score, readings[e.quote]) for e in decided(items)] if readings else []
    rows = [(s, r) for s, r in rows if r is not None]
    if not rows:
        return [0.0] * len(FEATURES)
    total = sum(s for s, _ in rows) or 1.0
    mean = [sum(s * r[k] for s, r in rows) / total for k in range(len(LABELS))]
    return [*mean, max(r[1] for _, r in rows), max(r[2] for _, r in rows)]


def describe(items: Sequence[Evidence], readings: Mapping[str, Sequence[float]] | None) -> str:
    """One line for the explanation: how the objective's evidence reads by meaning."""
    f = features(items, readings)
    if not any(f):
        return ""
    return (f"read by meaning (MiniLM sentence reader): in place {f[0]:.2f}, part of the scope {f[1]:.2f}, "
            f"absent {f[2]:.2f}")

