"""Negation polarity, learned: does a negated sentence describe a missing control or a control at work? (issue 11)

"We do not review the prompts" says a control is absent; "nothing ships unsigned", "no prompt leaves the tenant",
"there is no local login possible, we disabled it" say a control holds. Word lists cannot tell the two apart without
growing one alternative per sentence (the lexicon's negation family had grown to about 400). Here one generic cue
finds the negation (`CUE`: not, no, never, nothing, nobody, none, no one, without, cannot, neither, nor, lack) and a
logistic regression decides its polarity from what the sentence means: its MiniLM embedding plus a few structural
facts of the sentence (`STRUCTURE`, each with a generic example), trained on the tuning set only
(`python -m aismm_assistant.evals.training train`): every negated evidence sentence is labelled with whether the
objective it was credited to turned out short of met in the assessor's verdicts. The labels are per objective, never
per sentence, so the reader learns what the negations of absent controls sound like, not a list of them.

Weights: `polarity_model.json` beside this file: the full reader (embedding + structure) and a structure-only reader
used when the MiniLM encoder is not installed. A reading is a probability; `signals` reads a negation as absence at
`GAP_AT` or above.
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

MODEL_PATH = Path(__file__).resolve().parent / "polarity_model.json"
GAP_AT = 0.5

# The one negation cue, the reviewed table's "negation" (contractions are written out before it is read: "don't" ->
# "do not").
CUE = next(c for c in CUES if c.name == "negation").regex

# Structural facts of a negated sentence, each a generic pattern (name, regex, an example it fires on). The reader
# weighs them; none decides alone.
STRUCTURE: tuple[tuple[str, str, str], ...] = (
    ("not", r"\bnot\b", "We do not keep the logs."),
    ("no", r"\bno\b", "There is no register."),
    ("never", r"\bnever\b", "It has never been tested."),
    ("nothing", r"\bnothing\b", "Nothing leaves the VPC."),
    ("nobody", r"\b(?:nobody|no[- ]one)\b", "Nobody owns it."),
    ("none", r"\bnone\b", "None of them are tagged."),
    ("without", r"\bwithout\b", "No model ships without a signature."),
    ("cannot", r"\bcannot\b", "Users cannot change the setting."),
    ("neither", r"\b(?:neither|nor)\b", "Neither team has a runbook."),
    ("lack", r"\black(?:s|ing)?\b", "We lack a playbook."),
    ("speaker negated", r"\b(?:we|i|they|there)\b(?: \w+)? (?:do|does|did|have|has|is|are|was|were|can|could|will|"
     r"would)? ?(?:not|never|cannot)\b", "We have not done that."),
    ("privative", r"\b(?:un|non-?)[a-z]{4,}", "No unsigned image runs."),
    ("yet", r"\byet\b", "Not yet."),
    ("limiting", r"\b(?:only|just|some|part)\b", "Only the chatbot, not the agents."),
    ("universal", r"\b(?:all|every|each|any)\b", "No request goes to any other endpoint."),
    ("condition", r"\b(?:if|unless|until|when)\b", "The build fails if the model is not signed."),
    ("contrast", r"\bbut\b", "The app is covered but the API is not."),
    ("negated ability", r"\b(?:nobody|no[- ]one|nothing|none)\b[^.;]{0,30}\b(?:can|could|may|allowed|permitted|able)\b"
     r"|\bnot (?:allowed|permitted|possible)\b", "Nobody can push to the main branch directly."),
    ("negated decline", r"\b(?:not|never)\b[^.;]{0,20}\b(?:below|under)\b",
     "We have not fallen below 97 percent since March."),
    ("switched off", r"\b(?:(?:is|are|was|were|switched|turned|set) off|disabled|opted out)\b",
     "Chat history is switched off for the whole tenant."),
    ("enumerated absence", r"\bno \w+(?: \w+)?, (?:no|nor|and no)\b", "No inventory, no owner, nothing written down."),
)
_STRUCTURE = tuple((name, re.compile(rx, re.I)) for name, rx, _ in STRUCTURE)
FEATURES = (*(name for name, _ in _STRUCTURE), "negation position")
_OVERRIDE: list[Mapping[str, float]] = []


def negation(text: str) -> bool:
    """Does the text (contractions written out) carry a negation at all?"""
    return bool(CUE.search(text))


def structure(sentence: str) -> list[float]:
    """The structural features of a sentence (read with its contractions written out)."""
    text = expand_contractions(sentence)
    cue = CUE.search(text)
    return [*(1.0 if rx.search(text) else 0.0 for _, rx in _STRUCTURE),
            cue.start() / max(1, len(text)) if cue else 0.0]


@lru_cache(maxsize=4)
def load(path: str | None = None) -> dict | None:
    """The shipped weights ({"full": rows, "structure": rows, ...}), or None when absent."""
    p = Path(path) if path else MODEL_PATH
    if not p.exists():
        return None
    model = json.loads(p.read_text(encoding="utf-8"))
    if list(model.get("features", [])) != list(FEATURES):
        raise ValueError(f"{p}: the polarity reader was trained on other features; regenerate with "
                         "`python -m aismm_assistant.evals.training train`")
    return model


def gap_probabilities(weights: Sequence[Sequence[float]], inputs: Any) -> Any:
    """P(the negation describes a gap) per row of `inputs` ([embedding?, structure, 1] each; weights: one row per
    input, two columns: met, gap)."""
    import numpy as np

    z = np.asarray(inputs, dtype=np.float64) @ np.asarray(weights, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(z[:, 0] - z[:, 1]))


def probability(weights: Sequence[Sequence[float]], vector: Sequence[float] | None, feats: Sequence[float]) -> float:
    """P(gap) of one sentence from its vector (None: the structure-only reader) and structural features."""
    return float(gap_probabilities(weights, [[*(vector if vector is not None else []), *feats, 1.0]])[0])


def gap_probability(sentence: str) -> float | None:
    """How likely the sentence's negation describes a missing control; None without a trained reader."""
    if _OVERRIDE:
        return _OVERRIDE[-1].get(sentence)
    model = load()
    if model is None:
        return None
    from aismm_assistant.interview import (
        attribution,  # (reading.embed would close an import circle via proposals)
    )

    vector = attribution.embed_sentences([sentence])[0] if attribution.enabled() else None
    if vector is not None:
        return probability(model["full"], vector, structure(sentence))
    return probability(model["structure"], None, structure(sentence))


@contextmanager
def readings(table: Mapping[str, float]) -> Iterator[None]:
    """Read polarities from `table` (sentence -> probability) instead of the shipped reader: training uses it to give
    each organisation readings from a reader that never saw it (cross-fitting). Not for the live path."""
    _OVERRIDE.append(table)
    try:
        yield
    finally:
        _OVERRIDE.pop()
