"""Intention, learned: does a sentence with a plan word state an intention or a control in place? (issue 11)

"We plan to put a gateway in front of the chatbot" and "the policy is still being drafted" are intentions: planned
work never counts as met. "The incident response plan names an owner for every AI incident", "the evaluation suite
runs before every release" and "our next review is booked for March, the last one was in September" describe a
control at work that merely uses one of the words. A list of phrasings could not tell these apart without growing
one alternative per sentence (the plans family had grown to about 200 alternatives and four helper patterns for the
noun "plan"). Here one generic cue from the reviewed table finds the sentences (`CUE`: plan, will, going to, intend,
next, roadmap, draft, working on, in progress, yet, soon, budget, proposal, evaluating, ...) and a logistic
regression over the sentence's MiniLM embedding and the structural facts below (`STRUCTURE`, each with a generic
example) gives P(intention). It is trained on the tuning set only, like the negation polarity reader (polarity.py):
each cue sentence is labelled with whether the objective it was credited to is short of met in the assessor's
verdicts. Weights: `intention_model.json` beside this file (the full reader and a structure-only reader used when the
MiniLM encoder is not installed). Without weights the cue alone reads as an intention.
"""

from __future__ import annotations

from pathlib import Path

from aismm_assistant.interview.lexicon import CUES
from aismm_assistant.interview.polarity import CueReader

MODEL_PATH = Path(__file__).resolve().parent / "intention_model.json"
GAP_AT = 0.5
CUE = next(c for c in CUES if c.name == "intention").regex

STRUCTURE: tuple[tuple[str, str, str], ...] = (
    ("future", r"\b(?:will|going to)\b", "We will add MFA for the admin console."),
    ("intending", r"\b(?:plan|intend|aim|hope|want|like) to\b", "We intend to buy a gateway."),
    ("time ahead", r"\b(?:next|later|soon|by (?:q[1-4]|20\d\d))\b", "It goes live next quarter."),
    ("in progress", r"\b(?:working on|in progress|being|drafting|started)\b", "The policy is being drafted."),
    ("not yet", r"\byet\b", "It is not live yet."),
    ("plan as document", r"\b(?:the|our|a|its|their) (?:[\w-]+ ){0,2}plans?\b(?! to)",
     "The incident response plan names an owner."),
    ("past", r"\b(?:was|were|did|had|last|ago)\b", "The review was done in March."),
    ("condition", r"\b(?:if|unless|once|when)\b", "Once the budget is approved we will start."),
)

INTENTION = CueReader("intention", CUE, STRUCTURE, MODEL_PATH)
FEATURES = INTENTION.features


def cue(text: str) -> bool:
    """Does the text (contractions written out) carry a plan word at all?"""
    return INTENTION.fires(text)


def intends(sentence: str, text: str | None = None) -> bool:
    """Does the sentence state an intention? The cue fires on `text` (the sentence with contractions written out)
    and the reader reads it as a gap (the cue alone without trained weights)."""
    if not INTENTION.fires(text if text is not None else sentence):
        return False
    gap = INTENTION.gap_probability(sentence)
    return gap is None or gap >= GAP_AT
