"""Injection screening: respondent text is data, never instructions.

A sentence that tries to steer the assessment (override instructions, fake system/chat tags, tell the
assessor what to rate) is excluded from evidence and flagged in the proposal. Screening runs before
any matching, in offline and LLM mode alike, so such text can never earn a status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aismm_assistant.interview.text import Span, sentences

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(rx, re.I))
    for reason, rx in (
        ("instruction override", r"\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.]{0,40}?"
         r"\b(?:previous|prior|above|earlier|all|any|your|the|system|these|those)\b[^.]{0,30}?"
         r"\b(?:instructions?|prompts?|rules?|guidance|directions?|context|criteria)\b"),
        ("fake system tag", r"\[\s*/?\s*(?:system|sys|inst|assistant|admin|developer)\s*\]|<\|[^|>]{1,40}\|>|"
         r"</?\s*(?:system|assistant|instructions?|admin)\s*>|^\s*(?:system|assistant)\s*:|#{2,}\s*(?:system|instruction)"),
        ("rating demand", r"\b(?:mark|rate|score|grade|set|record|assess|classify|label)\b[^.]{0,40}?"
         r"\b(?:everything|all (?:controls|objectives|categories|of (?:them|these))|every (?:control|objective)|"
         r"this (?:category|organisation|organization|company)|us|them|it)\b[^.]{0,30}?"
         r"\b(?:as )?(?:met|compliant|fully met|l[1-5]|level [1-5]|maturity [1-5]|maximum|highest|top)\b"),
        ("role play", r"\b(?:as|you are) (?:the|an?) (?:assessor|auditor|evaluator|grader)\b"
         r"[^.]{0,60}?\b(?:must|should|will|need to|have to|are required to)\b"),
        ("role play", r"\byou (?:must|should|will|need to|have to|are required to) (?:rate|mark|score|assign|"
         r"conclude|output)\b"),
        # "prompt injection", "jailbreak" and "system prompt" are the subject matter of AI security answers
        # ("the plan defines prompt injection", "system prompt leakage"); only their imperative use steers.
        ("instruction override", r"\b(?:new|updated|real|actual) (?:instructions?|system prompt|task)\b\s*[:-]|"
         r"\b(?:new|updated|real|actual) instructions?\b|"
         r"\b(?:enter|enable|switch to|activate)\b[^.]{0,20}\bdeveloper mode\b|"
         r"\b(?:your|the assistant's|the tool's|the assessor's) system prompt\b|\bthis is a jailbreak\b"),
        ("rating demand", r"\b(?:all|every|each) (?:controls?|objectives?|kpis?)\b[^.]{0,30}?\b(?:are|is|should be|"
         r"must be)\s+(?:marked |rated |considered )?(?:met|compliant)\b"),
    )
)


@dataclass(frozen=True)
class Flag:
    """One screened sentence: where it is and why it was excluded."""

    turn: int
    quote: str
    reason: str

    def as_dict(self) -> dict:
        return {"turn": self.turn, "quote": self.quote, "reason": self.reason}


def injection_reason(sentence: str) -> str | None:
    """Why a sentence reads as an instruction to the system, or None if it is plain testimony."""
    for reason, rx in _PATTERNS:
        if rx.search(sentence):
            return reason
    return None


def screen_answer(answer: str, turn: int) -> tuple[list[Span], list[Flag]]:
    """Split an answer into sentences and separate the ones that try to steer the assessment."""
    clean: list[Span] = []
    flags: list[Flag] = []
    for span in sentences(answer):
        reason = injection_reason(span.text)
        if reason:
            flags.append(Flag(turn, span.text, reason))
        else:
            clean.append(span)
    return clean, flags
