"""Learned sentence readers for three status-signal families: plans and pilots, partial scope, manual work (issue 11).

Each family used to be a list of phrasings in signals.py (about 580 alternatives together: "booked for", "pencilled
in", "on my list", "only for the", "some of the teams", "someone has to", ...), and every new interview brought new
ones. Here each family has one generic cue in the reviewed table (lexicon.py: "intention or trial", "coverage word",
"person at work") that finds the candidate sentences, and a logistic regression that reads what the sentence says:

- plans and pilots: `current` (a working practice, or the word in another sense: "the test plan", "the gateway will
  reject it", "once a year"), `intention` (planned, wished for, being drafted, booked, pending: not operating yet),
  `pilot` (running only as a pilot or trial, or done once as a one-off), `mixed` (part in place, the rest planned);
- partial scope: `full` (no gap, or "only" states a restriction that is itself the control: "only two admins can
  deploy") or `gap` (some teams, not all, except X, sometimes);
- manual work: `automated` (a system does the step, or people are mentioned without doing it) or `by hand`.

Inputs: the sentence's MiniLM vector, the vector of the words around the cue (`window`: the cue word and five words
either side, so that "is booked for March" is read where it is said in a long sentence), and which of the cue's
alternatives fired. Labels are per sentence: every tuning-set sentence a cue fires on was labelled by a reader of the
transcript, not by the engine (evals/golden/sentence-labels/, docs/golden-guide.md); the readers are trained by
`python -m aismm_assistant.evals.training train` and never see a holdout. Without the MiniLM encoder a cue-only
reader (the alternatives that fired, and the bias) is used.

Weights: `readers_model.json` beside this file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from aismm_assistant.interview.lexicon import CUES
from aismm_assistant.interview.text import expand_contractions

MODEL_PATH = Path(__file__).resolve().parent / "readers_model.json"
# family -> its classes; the first is the reading that leaves the sentence's claim as it is
CLASSES: dict[str, tuple[str, ...]] = {
    "plans and pilots": ("current", "intention", "pilot", "mixed"),
    "partial scope": ("full", "gap"),
    "manual vs automated": ("automated", "by hand"),
}
# the family's cue in the reviewed table
CUE_NAMES = {"plans and pilots": "intention or trial", "partial scope": "coverage word",
             "manual vs automated": "person at work"}
# P(any class but the first) at or above which the sentence is read as that class (the most probable one of them);
# chosen by leave-organisations-out CV of the engine on the tuning set (docs/interview.md, phase 8)
READ_AT = {"plans and pilots": 0.4, "partial scope": 0.4, "manual vs automated": 0.5}
WINDOW = 5  # words either side of the cue
_OVERRIDE: list[Mapping[str, Mapping[str, Sequence[float]]]] = []


def cue(family: str) -> re.Pattern:
    name = CUE_NAMES[family]
    return next(c for c in CUES if c.name == name).regex


def _split_top(pattern: str) -> list[str]:
    """The top-level alternatives of a cue written as \\b(?:a|b|c)\\b."""
    body = pattern[len(r"\b(?:"):-len(r")\b")]
    out, depth, cur, i = [], 0, "", 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            cur += body[i:i + 2]
            i += 2
            continue
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    return [*out, cur]


@lru_cache(maxsize=8)
def _alternatives(family: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(rf"\b(?:{a})\b", re.I) for a in _split_top(cue(family).pattern))


def features(family: str) -> list[str]:
    """Names of the cue features, one per top-level alternative of the family's cue."""
    return [f"cue:{a.pattern[5:-3]}" for a in _alternatives(family)]


def fires(family: str, sentence: str) -> bool:
    return bool(cue(family).search(expand_contractions(sentence)))


def cue_features(family: str, sentence: str) -> list[float]:
    text = expand_contractions(sentence)
    return [1.0 if rx.search(text) else 0.0 for rx in _alternatives(family)]


def window(family: str, sentence: str) -> str:
    """The words around the places the cue fires (overlapping spans merged; up to three, joined by ' ; ')."""
    text = expand_contractions(sentence)
    tokens = list(re.finditer(r"\S+", text))
    spans: list[list[int]] = []
    for m in cue(family).finditer(text):
        inside = [k for k, t in enumerate(tokens) if t.end() > m.start() and t.start() < m.end()]
        if not inside:
            continue
        a, b = max(0, inside[0] - WINDOW), min(len(tokens), inside[-1] + WINDOW + 1)
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    pieces = [text[tokens[a].start():tokens[b - 1].end()] for a, b in spans[:3]]
    return " ; ".join(pieces) if pieces else text


@lru_cache(maxsize=4)
def load(path: str | None = None) -> dict | None:
    """The shipped weights, or None when absent."""
    p = Path(path) if path else MODEL_PATH
    if not p.exists():
        return None
    model = json.loads(p.read_text(encoding="utf-8"))
    for family in CLASSES:
        got = model.get("families", {}).get(family, {})
        if got.get("features") != features(family) or tuple(got.get("classes", ())) != CLASSES[family]:
            raise ValueError(f"{p}: the {family} reader was trained on another cue; regenerate with "
                             "`python -m aismm_assistant.evals.training train`")
    return model


def softmax_rows(weights: Sequence[Sequence[float]], inputs: Any) -> Any:
    import numpy as np

    z = np.asarray(inputs, dtype=np.float64) @ np.asarray(weights, dtype=np.float64)
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def inputs(family: str, sentence: str, vectors: tuple[Any, Any] | None) -> list[float]:
    """[sentence vector, window vector]? + cue features + 1 (vectors None: the cue-only reader)."""
    head = [*vectors[0], *vectors[1]] if vectors is not None else []
    return [*head, *cue_features(family, sentence), 1.0]


def probabilities(family: str, sentence: str) -> list[float] | None:
    """P(each class of the family) for a sentence its cue fires on; None when the cue does not fire or no reader is
    trained."""
    return read_all(sentence, (family,))[family]


def read_all(sentence: str, families: Sequence[str] = tuple(CLASSES)) -> dict[str, list[float] | None]:
    """`probabilities` of several families (every one by default) at once: the sentence and the windows of the cues
    that fire are embedded in one call."""
    out: dict[str, list[float] | None] = {}
    todo = []
    for family in families:
        hit = _OVERRIDE[-1].get(family, {}).get(sentence) if _OVERRIDE else None
        if hit is not None:
            out[family] = list(hit)
        elif fires(family, sentence) and load() is not None:
            todo.append(family)
        else:
            out[family] = None
    if todo:
        from aismm_assistant.interview import attribution

        model = load()
        vectors = (attribution.embed_sentences([sentence, *(window(f, sentence) for f in todo)])
                   if attribution.enabled() else None)
        for k, f in enumerate(todo):
            part = "full" if vectors is not None else "cue_only"
            row = inputs(f, sentence, (vectors[0], vectors[1 + k]) if vectors is not None else None)
            out[f] = [float(v) for v in softmax_rows(model["families"][f][part], [row])[0]]
    return out


def decide(family: str, probs: Sequence[float] | None) -> str | None:
    """The class a reading stands for: the first class unless the others reach READ_AT together."""
    if probs is None:
        return None
    classes = CLASSES[family]
    if sum(probs[1:]) < READ_AT[family]:
        return classes[0]
    return classes[1 + max(range(len(probs) - 1), key=lambda i: probs[1 + i])]


def reading(family: str, sentence: str) -> str | None:
    """What the sentence says in the family's terms (None: the cue does not fire, or no reader)."""
    return decide(family, probabilities(family, sentence))


@contextmanager
def readings(tables: Mapping[str, Mapping[str, Sequence[float]]]) -> Iterator[None]:
    """Read from `tables` (family -> sentence -> probabilities) before the shipped readers: training gives each
    organisation readings from readers that never saw it (cross-fitting). Not for the live path."""
    _OVERRIDE.append(tables)
    try:
        yield
    finally:
        _OVERRIDE.pop()
