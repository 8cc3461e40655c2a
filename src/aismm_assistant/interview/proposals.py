"""The interview's data: a turn as input, evidence sentences, and the proposals an analyser returns.

Kept apart from the engines so that the offline analysis, the learned status model, the LLM judge and the
evaluation all share one definition without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from aismm_assistant.interview.screening import Flag
from aismm_assistant.interview.signals import Signals


@dataclass
class TurnInput:
    """One turn of an interview: what was asked (and about which objectives) and the answer."""

    answer: str
    question: str | None = None
    respondent: str | None = None
    question_controls: Sequence[str] = ()


@dataclass
class Evidence:
    turn: int
    quote: str
    score: float
    raw: float
    status: str
    signals: Signals
    note: str = ""
    # figures of the sentence compared with the objective's criteria: (criterion id, outcome, explanation, figure kind)
    comparisons: tuple[tuple[str, str, str, str], ...] = ()
    lead: bool = False  # the objective is the sentence's best match (its main topic)


@dataclass
class ControlProposal:
    control_id: str
    status: str
    confidence: float
    citations: list[dict] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    evidence_request: list[str] = field(default_factory=list)
    # quotes the engine proposed that did not verify and were dropped (counted by the eval, never shown as evidence)
    rejected_citations: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"status": self.status, "confidence": round(self.confidence, 3), "citations": list(self.citations),
                "reasons": list(self.reasons), "evidence_request": list(self.evidence_request)}


@dataclass
class CategoryProposal:
    category: str
    level: int
    controls: dict[str, ControlProposal]
    flags: list[Flag]
    next_level: int | None = None
    next_level_progress: float | None = None
    blocking: list[str] = field(default_factory=list)
    engine: str = "offline"

    def statuses(self) -> dict[str, str]:
        return {cid: p.status for cid, p in self.controls.items()}

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "next_level": self.next_level,
            "next_level_progress": self.next_level_progress,
            "blocking": list(self.blocking),
            "engine": self.engine,
            "controls": {cid: p.as_dict() for cid, p in self.controls.items()},
            "flags": [f.as_dict() for f in self.flags],
        }
