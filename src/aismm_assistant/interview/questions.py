"""The question policy: plain-language questions from the objectives, climbing L2 -> L5 like an assessor.

Per level, every applicable objective is asked before the level is judged: one that earlier answers
already settle with confidence is not asked again; an uncertain or partial reading gets one targeted
follow-up that names what the answers have not shown yet, taken from the objective's criteria; a skip
leaves the objective unknown and moves on. A level falls short when any of its objectives is left
not met, partial or unknown; by default the interview then goes on one level above (``depth``) so the
roadmap knows what is already in place there. See docs/interview.md ("Question policy").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from aismm_assistant.interview.analysis import CategoryProposal, ControlProposal, TurnInput
from aismm_assistant.model import Category, Control

SETTLED = frozenset({"met", "not_applicable"})
SHORT = frozenset({"not_met", "partial"})
DEFAULT_DEPTH = 1        # levels asked above the first one that falls short
MAX_DEPTH = 3
SURE = 0.6               # a reading at or above this confidence needs no follow-up (docs/interview.md)
READ_ENOUGH = frozenset({"met"})  # readings from other answers that spare an objective its own question
FOLLOW_UP_ABOVE = False  # follow-ups also on the levels asked above the first shortfall
MET_NEEDS_FIGURES = False  # measured: a follow-up on every "met" without its figures asks 22 % more and agrees less (docs)
FOLLOW_UP_WHEN_SHORT = False  # follow-ups also once the level is known to fall short (only the roadmap gains)
SCAN_ABOVE = True  # above the first shortfall, one question per level asks what is already in place
UNSURE_REASONS = ("respondent unsure",)  # "I don't know": a follow-up would not help; it stays unknown
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass
class Question:
    text: str
    controls: list[str]
    level: int
    kind: str = "primary"  # primary | follow_up | scan (a level above the shortfall) | repeat (after "go back")
    missing: list[str] = field(default_factory=list)  # criteria a follow-up names
    respondent: str | None = None  # who it is addressed to, when the interview has several respondents

    def as_dict(self) -> dict:
        return {"text": self.text, "controls": list(self.controls), "level": self.level, "kind": self.kind,
                "missing": list(self.missing), "respondent": self.respondent}


@dataclass
class LevelState:
    level: int
    objectives: list[str]
    gaps: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    open: list[str] = field(default_factory=list)  # not yet asked to the end

    def as_dict(self) -> dict:
        return {"level": self.level, "objectives": list(self.objectives), "gaps": list(self.gaps),
                "skipped": list(self.skipped), "open": list(self.open)}


@dataclass
class PolicyDecision:
    """The next question, or None with the reason the interview can stop (in plain words)."""

    question: Question | None
    reason: str = ""
    stopped_at: int | None = None  # the first level that falls short
    short: list[str] = field(default_factory=list)  # its gaps
    levels: list[LevelState] = field(default_factory=list)  # every level the interview has reached
    waiting_for: list[str] = field(default_factory=list)  # other respondents with questions still to answer

    def as_dict(self) -> dict:
        return {"question": self.question.as_dict() if self.question else None, "reason": self.reason,
                "stopped_at": self.stopped_at, "short": list(self.short),
                "levels": [lv.as_dict() for lv in self.levels], "waiting_for": list(self.waiting_for)}


def _lower_first(text: str) -> str:
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def control_question(control: Control) -> str:
    """The corpus question, or one generated from the objective's name and first evidence item."""
    if control.question:
        return " ".join(control.question.split())
    q = f"Can you walk me through how you handle {_lower_first(control.name)}?"
    if control.evidence:
        q += f" For example, what would you show for: {_lower_first(control.evidence[0])}?"
    return q


def control_follow_up(control: Control) -> str:
    """The corpus follow-up, or a generic one asking for the specifics the objective measures."""
    if control.follow_up:
        return " ".join(control.follow_up.split())
    bits = [f"Could you be more specific about {_lower_first(control.name)}:"]
    bits.append("is it in place today, for what share of the scope, how often is it done or reviewed,")
    bits.append("and what record would show it")
    if control.evidence:
        bits.append(f"(for example {_lower_first(control.evidence[0])})")
    return " ".join(bits) + "?"


# ---------------------------------------------------------------- what the answers have not shown


def _stems(text: str) -> set[str]:
    from aismm_assistant.interview.text import content_stems

    return set(content_stems(text))


def _measure_question(measure: object | None) -> str:
    if measure is None:
        return "Is that in place today, and what record would show it?"
    kind, wanted = getattr(measure, "kind", ""), measure.describe()  # type: ignore[attr-defined]
    population = (getattr(measure, "population", "") or "").strip()
    if kind == "percent":
        short = population and len(population.split()) <= 5
        if getattr(measure, "value", 0) >= 100 and getattr(measure, "comparator", "") in (">=", "=="):
            return f"Is that so for all {population} today, or only some?" if short else "Is that so for all of them today?"
        of = f"of {population} " if short else ""
        return f"What share {of}does it cover today (the objective asks for {wanted})?"
    if kind == "cadence":
        return f"How often is it done in practice (the objective asks for {wanted})?"
    if kind == "duration":
        return f"How long does it take in practice (the objective asks for {wanted})?"
    return f"What is the figure today (the objective asks for {wanted})?"


def missing_criteria(control: Control, answers: Sequence[str]) -> list[object]:
    """The objective's criteria that the answers about it do not evidence yet, measured ones first.

    A criterion counts as shown when the answers share at least half of its distinguishing terms and,
    for a measured criterion, state a figure of the same kind (a share, a cadence, a duration).
    """
    from aismm_assistant.criteria import criteria_for, find_measures

    text = " ".join(answers)
    said = _stems(text)
    kinds = {h.measure.kind for h in find_measures(text)} if text.strip() else set()
    out = []
    for crit in criteria_for(control):
        terms = list(_stems(" ".join(crit.distinguishing_terms)) or _stems(crit.text))
        shared = sum(1 for t in terms if t in said)
        shown = bool(terms) and shared * 2 >= len(terms)
        if crit.measure is not None and crit.measure.kind not in kinds:
            shown = False
        if not shown:
            out.append(crit)
    out.sort(key=lambda c: (c.measure is None, c.measure is not None and c.measure.kind != "percent"))
    return out


_BRACKETS = re.compile(r"\s*\([^()]*\)")


def targeted_follow_up(control: Control, answers: Sequence[str], proposal: ControlProposal | None) -> tuple[str, list[str]]:
    """One follow-up naming what is missing: the first unshown criterion and the figure it asks for."""
    missing = missing_criteria(control, answers)
    if not missing:
        return control_follow_up(control), []
    crit = missing[0]
    clause = " ".join(_BRACKETS.sub("", crit.text).split()).rstrip(".;,")
    text = (f"Thanks. On {_lower_first(control.name)}, one thing I have not heard yet: "
            f"{_lower_first(clause)}. {_measure_question(crit.measure)}")
    return text, [crit.text for crit in missing[:3]]


# ---------------------------------------------------------------- the policy


def needs_follow_up(p: ControlProposal | None) -> bool:
    """An uncertain or partial reading (not an "I don't know", which a follow-up would not change)."""
    if p is None:
        return True
    if p.status == "partial":
        return True
    if p.status == "unknown":
        return not any(r in UNSURE_REASONS for r in p.reasons)
    if p.status in ("met", "not_met"):
        return p.confidence < SURE
    return False


def _read_enough(p: ControlProposal | None) -> bool:
    """Earlier answers already show it (or it does not apply): it needs no question of its own."""
    return p is not None and (p.status == "not_applicable" or (p.status in READ_ENOUGH and not needs_follow_up(p)))


def scan_question(controls: Sequence[Control]) -> str:
    """One question over a level asked only for the roadmap (above the first shortfall): what is in place."""
    names = "; ".join(_lower_first(c.name) for c in controls)
    return (f"Looking one step further, which of these is already in place today, even in part: {names}? "
            "Tell me briefly what exists for each, and say so where nothing does.")


def _unshown_measure(control: Control, turns: Sequence[TurnInput], p: ControlProposal | None) -> bool:
    """A reading of met whose answers state none of the figures the objective measures (a share, a cadence...)."""
    if MET_NEEDS_FIGURES and p is not None and p.status == "met":
        return any(c.measure is not None for c in missing_criteria(control, _answers_about(turns, control.id, p)))
    return False


def _answers_about(turns: Sequence[TurnInput], cid: str, p: ControlProposal | None) -> list[str]:
    """What the respondent said about the objective, without the sentences screening flags (never evidence)."""
    from aismm_assistant.interview.screening import screen_answer

    out = [" ".join(span.text for span in screen_answer(t.answer or "", i)[0])
           for i, t in enumerate(turns) if cid in t.question_controls]
    if p is not None:
        out += [c["quote"] for c in p.citations]
    return out


def count(n: int, noun: str) -> str:
    word = NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)
    return f"{word} {noun}{'' if n == 1 else 's'}"


def _span(levels: Sequence[int]) -> str:
    names = [f"L{lv}" for lv in levels]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} to {names[-1]}"


def describe_stop(levels: Sequence[LevelState]) -> str:
    """'All L2 and L3 questions asked; L3 has two gaps' - what was asked and where the gaps are."""
    asked = [lv for lv in levels if lv.objectives]
    if not asked:
        return "No objective of this category applies to the assessment's deployment scope"
    head = f"All {_span([lv.level for lv in asked])} questions asked"
    parts = []
    for lv in asked:
        if lv.gaps:
            bit = f"L{lv.level} has {count(len(lv.gaps), 'gap')}"
            if lv.skipped:
                bit += f" ({count(len(lv.skipped), 'skipped question')})"
            parts.append(bit)
    if not parts:
        top = asked[-1].level
        return f"{head}; no gaps" + ("" if top == 5 else f" up to L{top}")
    return f"{head}; " + "; ".join(parts)


def next_question(
    category: Category,
    scope: Iterable[str] | None,
    turns: Sequence[TurnInput],
    proposal: CategoryProposal,
    skipped: Iterable[str] = (),
    depth: int = DEFAULT_DEPTH,
    assigned: Mapping[str, str] | None = None,
    for_respondent: str | None = None,
    default_respondent: str | None = None,
) -> PolicyDecision:
    """Decide what to ask next from the turns so far and the current proposal.

    `assigned` maps objective IDs to the respondent they were handed to; with `for_respondent` set, only
    that respondent's questions are offered (others' open questions are listed in `waiting_for`); objectives
    nobody was handed belong to `default_respondent`.
    """
    scope_list = list(scope) if scope is not None else None
    asked = Counter(cid for t in turns for cid in t.question_controls)
    skipped_set = set(skipped)
    assigned = dict(assigned or {})
    levels: list[LevelState] = []
    first_short: int | None = None
    waiting: list[str] = []
    for level in range(2, 6):
        if first_short is not None and level > first_short + depth:
            break
        controls = [c for c in category.controls_at(level) if c.applies_to(scope_list)]
        state = LevelState(level, [c.id for c in controls])
        levels.append(state)
        if first_short is not None and SCAN_ABOVE:
            fresh = [c for c in controls if asked[c.id] == 0 and c.id not in skipped_set
                     and not _read_enough(proposal.controls.get(c.id))
                     and (for_respondent is None or assigned.get(c.id, default_respondent) == for_respondent)]
            if len(fresh) > 1:
                owners = {assigned.get(c.id) for c in fresh}
                return PolicyDecision(Question(scan_question(fresh), [c.id for c in fresh], level, "scan",
                                               respondent=owners.pop() if len(owners) == 1 else None),
                                      levels=levels, stopped_at=first_short)
        for c in controls:
            p = proposal.controls.get(c.id)
            status = p.status if p else "unknown"
            if c.id in skipped_set:
                if status not in SETTLED:
                    state.gaps.append(c.id)
                    state.skipped.append(c.id)
                continue
            question: Question | None = None
            above = first_short is not None
            if asked[c.id] == 0:
                if _read_enough(p):
                    if status not in SETTLED:
                        state.gaps.append(c.id)
                    continue  # earlier answers already show it with confidence
                question = Question(control_question(c), [c.id], level)
            elif (asked[c.id] == 1 and (FOLLOW_UP_ABOVE or not above)
                  and (FOLLOW_UP_WHEN_SHORT or not state.gaps)
                  and (needs_follow_up(p) or _unshown_measure(c, turns, p))):
                text, missing = targeted_follow_up(c, _answers_about(turns, c.id, p), p)
                question = Question(text, [c.id], level, "follow_up", missing)
            if question is not None:
                owner = assigned.get(c.id, default_respondent)
                question.respondent = assigned.get(c.id)
                if for_respondent is None or owner is None or owner == for_respondent:
                    return PolicyDecision(question, levels=levels, stopped_at=first_short)
                state.open.append(c.id)
                if owner not in waiting:
                    waiting.append(owner)
                continue
            if status not in SETTLED:
                state.gaps.append(c.id)
        if state.open:
            reason = f"Waiting for {', '.join(waiting)} to answer the remaining L{level} questions"
            return PolicyDecision(None, reason, first_short, levels=levels, waiting_for=waiting)
        if state.gaps and first_short is None:
            first_short = level
    short = next((lv.gaps for lv in levels if lv.level == first_short), [])
    return PolicyDecision(None, describe_stop(levels), first_short, list(short), levels)


def all_questions(category: Category, scope: Iterable[str] | None) -> list[Question]:
    """The non-adaptive baseline: one question per applicable objective, L2 to L5."""
    scope_list = list(scope) if scope is not None else None
    return [Question(control_question(c), [c.id], c.level) for c in category.controls
            if c.applies_to(scope_list)]
