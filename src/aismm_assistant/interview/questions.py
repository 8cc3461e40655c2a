"""The question policy: plain-language questions from the objectives, climbing L2 -> L5 adaptively.

Per level, each applicable objective whose status is still unknown gets its question; a vague answer
gets one targeted follow-up; an objective already settled by earlier answers is skipped. As soon as a
level clearly falls short (an objective at it is not met, partial, or still unknown after its
follow-up) the policy stops climbing: higher levels cannot count under the scoring rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from aismm_assistant.interview.analysis import CategoryProposal, TurnInput
from aismm_assistant.model import Category, Control

SETTLED = frozenset({"met", "not_applicable"})
SHORT = frozenset({"not_met", "partial"})


@dataclass
class Question:
    text: str
    controls: list[str]
    level: int
    kind: str = "primary"  # primary | follow_up | repeat (asked again after "go back")

    def as_dict(self) -> dict:
        return {"text": self.text, "controls": list(self.controls), "level": self.level, "kind": self.kind}


@dataclass
class PolicyDecision:
    """The next question, or None with the reason the interview can stop."""

    question: Question | None
    reason: str = ""
    stopped_at: int | None = None
    short: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"question": self.question.as_dict() if self.question else None, "reason": self.reason,
                "stopped_at": self.stopped_at, "short": list(self.short)}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def control_question(control: Control) -> str:
    """The corpus question, or one generated from the objective's name and first evidence item."""
    if control.question:
        return " ".join(control.question.split())
    q = f"Can you walk me through how you handle {_lower_first(control.name)}?"
    if control.evidence:
        q += f" For example, what would you show for: {_lower_first(control.evidence[0])}?"
    return q


def control_follow_up(control: Control) -> str:
    """A targeted follow-up asking for the specifics the objective measures."""
    if control.follow_up:
        return " ".join(control.follow_up.split())
    bits = [f"Could you be more specific about {_lower_first(control.name)}:"]
    bits.append("is it in place today, for what share of the scope, how often is it done or reviewed,")
    bits.append("and what record would show it")
    if control.evidence:
        bits.append(f"(for example {_lower_first(control.evidence[0])})")
    return " ".join(bits) + "?"


def next_question(
    category: Category,
    scope: Iterable[str] | None,
    turns: Sequence[TurnInput],
    proposal: CategoryProposal,
    skipped: Iterable[str] = (),
    finish_level: bool = False,
) -> PolicyDecision:
    """Decide what to ask next from the turns so far and the current proposal."""
    scope_list = list(scope) if scope is not None else None
    asked = Counter(cid for t in turns for cid in t.question_controls)
    skipped_set = set(skipped)
    statuses = proposal.statuses()
    for level in range(2, 6):
        controls = [c for c in category.controls_at(level) if c.applies_to(scope_list)]
        short: list[str] = []
        for c in controls:
            status = statuses.get(c.id, "unknown")
            if status in SETTLED:
                continue
            if status in SHORT:
                short.append(c.id)
                if not finish_level:
                    break
                continue
            if c.id in skipped_set or asked[c.id] >= 2:
                short.append(c.id)
                if not finish_level:
                    break
                continue
            if asked[c.id] == 0:
                return PolicyDecision(Question(control_question(c), [c.id], level))
            return PolicyDecision(Question(control_follow_up(c), [c.id], level, "follow_up"))
        if short:
            reason = (f"L{level} falls short on {', '.join(short)}; higher levels cannot count, "
                      f"so the category stands at L{level - 1}")
            return PolicyDecision(None, reason, level, short)
    return PolicyDecision(None, "every applicable objective up to L5 is settled")


def all_questions(category: Category, scope: Iterable[str] | None) -> list[Question]:
    """The non-adaptive baseline: one question per applicable objective, L2 to L5."""
    scope_list = list(scope) if scope is not None else None
    return [Question(control_question(c), [c.id], c.level) for c in category.controls
            if c.applies_to(scope_list)]
