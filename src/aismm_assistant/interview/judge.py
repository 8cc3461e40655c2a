"""LLM mode: a chat model returns a structured judgement; the engine's rules still apply after it.

The transcript is passed as JSON data inside markers, never as instructions. Whatever the model
returns is checked the same way as the offline engine's output: quotes must be verbatim in the
turn they name (else unknown), quotes from screened injection sentences are dropped, planned or
piloted evidence never counts as met, and low confidence abstains.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from aismm_assistant.criteria import criteria_for
from aismm_assistant.interview.analysis import (
    ABSTAIN_BELOW,
    CategoryProposal,
    ControlProposal,
    TurnInput,
    analyse,
    finish,
)
from aismm_assistant.interview.citations import citation_valid
from aismm_assistant.interview.figures import DECIDING_KINDS, figure_status, figures_of
from aismm_assistant.interview.screening import injection_reason, overlaps_flagged, screen_answer
from aismm_assistant.interview.signals import detect
from aismm_assistant.model import Category


class JudgedQuote(BaseModel):
    turn: int = Field(description="0-based index of the answer the quote comes from")
    quote: str = Field(description="verbatim text copied from that answer")


class JudgedCriterion(BaseModel):
    """The model's reading of one criterion of an objective (issue 11, item 7)."""

    criterion_id: str = Field(description="the criterion's ID as listed, e.g. GOV-02.1.c2")
    judgement: Literal["stated", "not_stated", "falls_short", "said_absent"]
    quote: JudgedQuote | None = Field(default=None, description="the verbatim evidence for 'stated' / 'falls_short'")


class JudgedControl(BaseModel):
    control_id: str
    status: Literal["met", "partial", "not_met", "unknown"]
    confidence: float = Field(ge=0.0, le=1.0)
    quotes: list[JudgedQuote] = Field(default_factory=list)
    rationale: str = ""
    criteria: list[JudgedCriterion] = Field(default_factory=list)


class Judgement(BaseModel):
    """The structured output requested from the chat model."""

    items: list[JudgedControl]


def build_prompt(category: Category, turns: Sequence[TurnInput], scope: Iterable[str] | None,
                 template: str | None = None) -> str:
    """The judge prompt; `template` is the text of prompts/judge.md whose hash the analyser records."""
    if template is None:
        from aismm_assistant.llm import load_prompt

        template = load_prompt("judge.md").text
    scope_list = list(scope) if scope is not None else None
    applicable = [c for c in category.controls if c.applies_to(scope_list)]
    objectives = "\n".join(
        f"- {c.id} (L{c.level}) {c.name}: {' '.join(c.objective.split())}"
        + (f" Evidence: {'; '.join(c.evidence)}." if c.evidence else "")
        + "".join(f"\n    - criterion {cr.id}: {' '.join(cr.text.split())}"
                  + (f" [measure: {cr.measure.describe()}]" if cr.measure else "") for cr in criteria_for(c))
        for c in applicable
    )
    transcript = json.dumps([{"turn": i, "respondent": t.respondent, "question": t.question, "answer": t.answer}
                             for i, t in enumerate(turns)], ensure_ascii=False, indent=1)
    return template.format(category_id=category.id, category_name=category.name, objectives=objectives,
                           transcript=transcript, figures=figures_found(applicable, turns))


def _figure_comparisons(controls: Iterable[Any], turns: Sequence[TurnInput]) -> list[tuple[int, str, str, str]]:
    """(turn, control id, outcome, explanation) for every figure of an answer that measures a criterion."""
    out = []
    controls = list(controls)
    for i, t in enumerate(turns):
        clean, _flags = screen_answer(t.answer or "", i)
        for span in clean:
            if not figures_of(span.text):
                continue
            for c in controls:
                _s, _n, comps = figure_status(span.text, criteria_for(c), "met", "")
                out += [(i, c.id, outcome, expl) for cid, outcome, expl, kind in comps
                        if outcome in ("meets", "falls_short") and kind in DECIDING_KINDS]
    return out


def figures_found(controls: Iterable[Any], turns: Sequence[TurnInput]) -> str:
    """The figures the engine read in the answers, compared with the criteria (data for the prompt)."""
    lines = [f"- turn {i}, {cid}: {expl}" for i, cid, _o, expl in _figure_comparisons(controls, turns)]
    return "\n".join(dict.fromkeys(lines)) or "- none"


def judge_category(llm: Any, category: Category, turns: Sequence[TurnInput], scope: Iterable[str] | None,
                   engine: str = "llm", template: str | None = None) -> CategoryProposal:
    """Ask the model for a judgement, then apply the same checks as the offline engine."""
    from aismm_assistant.errors import AismmError

    scope_list = list(scope) if scope is not None else None
    baseline = analyse(category, turns, scope_list)
    prompt = build_prompt(category, turns, scope_list, template)
    try:
        raw = llm.with_structured_output(Judgement).invoke(prompt)
    except Exception as exc:  # providers raise many kinds of errors
        raise AismmError(f"the chat model failed: {exc}") from None
    judgement = raw if isinstance(raw, Judgement) else Judgement.model_validate(raw)
    answers = [t.answer or "" for t in turns]
    flags = [f for i, t in enumerate(turns) for f in screen_answer(t.answer or "", i)[1]]
    proposals: dict[str, ControlProposal] = dict(baseline.controls)
    short_figures: dict[str, list[str]] = {}
    for _i, fcid, outcome, expl in _figure_comparisons(
            [c for c in category.controls if c.applies_to(scope_list)], turns):
        if outcome == "falls_short":
            short_figures.setdefault(fcid, []).append(expl)
    for item in judgement.items:
        cid = item.control_id.strip().upper()
        if cid not in proposals or proposals[cid].status == "not_applicable":
            continue
        proposals[cid] = check_item(item.model_copy(update={"control_id": cid}), answers, category.controls,
                                    short_figures.get(cid, []))
    return finish(category, proposals, flags, scope_list, engine=engine)


def criteria_reason(item: JudgedControl, answers: Sequence[str]) -> tuple[str, list[dict]]:
    """'criteria: GOV-02.1.c1: stated; GOV-02.1.c2: falls short' from the model's per-criterion judgements, and the
    criterion quotes that do not verify (a criterion judged stated on an invented quote counts as not stated)."""
    parts, bad = [], []
    for cr in item.criteria:
        verdict = cr.judgement
        if cr.quote is not None:
            cite = {"turn": cr.quote.turn, "quote": cr.quote.quote}
            if not citation_valid(cite, answers):
                bad.append(cite)
                verdict = "not_stated"
        elif verdict in ("stated", "falls_short"):
            verdict = "not_stated"  # a criterion is stated only with its evidence
        parts.append(f"{cr.criterion_id}: {verdict.replace('_', ' ')}")
    return ("criteria: " + "; ".join(parts)) if parts else "", bad


def check_item(item: JudgedControl, answers: Sequence[str], controls: Iterable[Any],
               short_figures: Sequence[str] = ()) -> ControlProposal:
    """Apply the engine's rules to one model verdict."""
    request = next((list(c.evidence[:3]) for c in controls if c.id == item.control_id.upper()), [])
    cites = [{"turn": q.turn, "quote": q.quote} for q in item.quotes]
    reasons = [item.rationale] if item.rationale else []
    status, conf = item.status, item.confidence
    line, bad_criteria = criteria_reason(item, answers)
    if line:
        reasons.append(line)
    if status == "met" and (short_figures or any(
            cr.judgement == "falls_short" and not any(b == {"turn": cr.quote.turn, "quote": cr.quote.quote}
                                                      for b in bad_criteria)
            for cr in item.criteria if cr.quote is not None)):
        status = "partial"
        reasons.append("a stated figure falls short of the objective's measure: "
                       + ("; ".join(short_figures) if short_figures else "as the model's criteria say") + " → partial")
    rejected = [c for c in cites if not citation_valid(c, answers)]
    if rejected:
        reasons.append("a quote from the model is not verbatim in the transcript; downgraded to unknown")
        return ControlProposal(item.control_id.upper(), "unknown", min(conf, 0.3),
                               [c for c in cites if citation_valid(c, answers)], reasons, request,
                               rejected_citations=rejected)
    injected = [c for c in cites if injection_reason(c["quote"])
                or overlaps_flagged(c["quote"], answers[c["turn"]] if 0 <= c["turn"] < len(answers) else "")]
    if injected:
        cites = [c for c in cites if c not in injected]
        reasons.append("quotes that try to instruct the assessment were excluded")
    if status in ("met", "partial", "not_met") and not cites:
        reasons.append("no verifiable evidence quoted")
        return ControlProposal(item.control_id.upper(), "unknown", min(conf, 0.3), [], reasons, request)
    if status == "met" and any((sig := detect(c["quote"])).planned or sig.pilot for c in cites):
        status = "not_met"
        reasons.append("the evidence is planned or in progress, which never counts as met")
    if conf < ABSTAIN_BELOW and status != "unknown":
        reasons.append(f"confidence {conf:.2f} too low to propose {status}")
        status = "unknown"
    return ControlProposal(item.control_id.upper(), status, conf, cites, reasons,
                           request if status != "met" else [])
