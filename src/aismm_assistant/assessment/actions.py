"""Changes to an assessment record: manual entry, proposals, confirmations, targets, status.

Each function validates its input against the corpus and the record *before* changing anything
and appends to the history it touches; the store runs them inside one transaction.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from aismm_assistant.assessment.record import (
    STATUS_FLOW,
    Assessment,
    AssessmentCreate,
    Change,
    CorpusRef,
    EvidenceItem,
    LevelProposal,
    Proposal,
    SubstituteKPI,
    utcnow,
)
from aismm_assistant.assessment.scoring import STATUSES, score_category
from aismm_assistant.corpus import corpus_provenance, get_category, get_control
from aismm_assistant.errors import ValidationError
from aismm_assistant.model import LEVEL_NAMES, Control, Corpus

_STATUS_ALIASES = {
    "met": "met", "yes": "met", "pass": "met", "compliant": "met", "in place": "met",
    "partial": "partial", "partially met": "partial", "partially": "partial", "partially compliant": "partial",
    "not met": "not_met", "no": "not_met", "fail": "not_met", "non compliant": "not_met",
    "not applicable": "not_applicable", "n a": "not_applicable", "na": "not_applicable",
    "unknown": "unknown", "not assessed": "unknown", "needs info": "unknown",
}


def parse_status(value: Any) -> str:
    """'Met', 'not-met', 'N/A', 'Partially met' -> canonical status; anything else fails in one line."""
    text = re.sub(r"[\s_\-/]+", " ", str(value or "")).strip().lower()
    if text in _STATUS_ALIASES:
        return _STATUS_ALIASES[text]
    raise ValidationError(f"invalid status {str(value)!r}; use one of {', '.join(STATUSES)}")


def parse_level(value: Any) -> int:
    text = str(value).strip().upper().removeprefix("L")
    if not text.isdigit() or not 1 <= int(text) <= 5:
        raise ValidationError(f"invalid level {value!r}; use 1-5 (L1 {LEVEL_NAMES[1]} .. L5 {LEVEL_NAMES[5]})")
    return int(text)


def parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValidationError(f"invalid date {value!r}; use YYYY-MM-DD") from None


def _actor(actor: str | None) -> str:
    name = " ".join((actor or "").split())
    if not name:
        raise ValidationError("say who made the change (--by NAME)")
    return name


def new_assessment(create: AssessmentCreate, corpus: Corpus) -> Assessment:
    """A fresh record bound to the corpus version it is assessed against."""
    record = Assessment(
        **create.model_dump(),
        corpus=CorpusRef(**corpus_provenance(corpus)),
    )
    record.history.append(Change(actor=create.created_by or "system", action="create"))
    refresh_levels(record, corpus)
    return record


def refresh_levels(record: Assessment, corpus: Corpus) -> None:
    """Recompute every in-scope category's level from the effective statuses (the rule, DESIGN §2)."""
    statuses = record.effective_statuses()
    for cid in record.scope.category_ids():
        cat = corpus.category(cid)
        if cat is None:
            continue
        record.category(cid).level = score_category(cat, statuses, record.scope.deployment_scope()).level


def ensure_writable(record: Assessment) -> None:
    if record.status == "final":
        raise ValidationError(f"assessment {record.id} is final; start a new assessment to change it")


def resolve_control(record: Assessment, corpus: Corpus, control_id: str) -> Control:
    """The corpus control for a loosely written ID, which must lie inside the assessment's scope."""
    control = get_control(control_id, corpus)
    if control.category not in record.scope.category_ids():
        raise ValidationError(
            f"{control.id} is outside the scope of assessment {record.id} "
            f"(categories: {', '.join(record.scope.category_ids())})"
        )
    return control


def resolve_category(record: Assessment, corpus: Corpus, category_id: str) -> str:
    cid = get_category(category_id, corpus).id
    if cid not in record.scope.category_ids():
        raise ValidationError(f"category {cid} is outside the scope of assessment {record.id}")
    return cid


def set_result(
    record: Assessment,
    corpus: Corpus,
    control_id: str,
    status: str,
    *,
    actor: str,
    evidence: list[str | EvidenceItem] | None = None,
    notes: str | None = None,
    substitute_kpi: SubstituteKPI | None = None,
    at: datetime | None = None,
) -> str:
    """Manual entry: the assessor's own value becomes the effective status (it clears a confirmation).

    ``at`` backdates the entry (a workbook's Date column says when the assessor decided).
    """
    ensure_writable(record)
    control = resolve_control(record, corpus, control_id)
    value = parse_status(status)
    who = _actor(actor)
    now = at or utcnow()
    items = [
        e if isinstance(e, EvidenceItem) else EvidenceItem(text=e, source="manual", supplied_by=who, supplied_at=now)
        for e in (evidence or [])
        if not isinstance(e, str) or e.strip()
    ]
    result = record.result(control.id)
    p = result.provenance
    old = result.status
    p.history.append(Change(at=now, actor=who, action="set", field="status", old=old, new=value))
    p.manual = value
    if p.confirmed is not None:
        p.history.append(Change(at=now, actor=who, action="clear-confirmation", old=p.confirmed))
    p.confirmed = None
    p.confirmed_by = p.confirmed_at = None
    p.pending = False
    result.evidence.extend(items)
    if notes is not None:
        result.notes = notes
    if substitute_kpi is not None:
        p.history.append(Change(at=now, actor=who, action="substitute-kpi", new=substitute_kpi.model_dump()))
        result.substitute_kpi = substitute_kpi
    record.results[control.id] = result.model_validate(result.model_dump())
    refresh_levels(record, corpus)
    return control.id


def propose_results(
    record: Assessment, corpus: Corpus, proposals: list[Proposal], level_proposal: LevelProposal | None = None
) -> None:
    """Record assisted proposals; they are shown but change no effective status or level."""
    ensure_writable(record)
    checked = [(resolve_control(record, corpus, p.control_id), p) for p in proposals]
    cat_id = resolve_category(record, corpus, level_proposal.category) if level_proposal else None
    now = utcnow()
    for control, prop in checked:
        prop = prop.model_copy(update={"control_id": control.id})
        result = record.result(control.id)
        p = result.provenance
        p.history.append(Change(at=now, actor=prop.engine, action="propose", field="status",
                                old=p.proposed.status if p.proposed else None, new=prop.status))
        p.proposed = prop
        p.pending = True
        if p.manual is None:
            p.source = "assisted"
    if level_proposal and cat_id:
        lp = level_proposal.model_copy(update={"category": cat_id})
        cat = record.category(cat_id)
        cat.provenance.history.append(Change(at=now, actor=lp.engine, action="propose", field="level",
                                             old=cat.provenance.proposed.level if cat.provenance.proposed else None,
                                             new=lp.level))
        cat.provenance.proposed = lp
        cat.provenance.pending = True
    refresh_levels(record, corpus)


def confirm_result(
    record: Assessment, corpus: Corpus, control_id: str, *, status: str | None, actor: str, rationale: str
) -> str:
    """A human accepts the proposal (status None) or overrides it; the confirmed value becomes effective."""
    ensure_writable(record)
    control = resolve_control(record, corpus, control_id)
    who = _actor(actor)
    if not (rationale or "").strip():
        raise ValidationError("give a rationale for the confirmation (--rationale TEXT)")
    result = record.result(control.id)
    p = result.provenance
    if status is None and p.proposed is None:
        raise ValidationError(f"{control.id} has no proposal to accept; give --status to set one")
    value = parse_status(status) if status is not None else p.proposed.status  # type: ignore[union-attr]
    now = utcnow()
    accepted = p.proposed is not None and value == p.proposed.status
    p.history.append(Change(at=now, actor=who, action="confirm" if accepted else "override", field="status",
                            old=result.status, new=value, rationale=rationale))
    p.confirmed, p.confirmed_by, p.confirmed_at, p.rationale = value, who, now, rationale
    p.pending = False
    if accepted and p.proposed is not None:
        known = {e.text for e in result.evidence}
        for c in p.proposed.citations:
            if c.quote not in known:
                where = c.where(p.proposed.interview_id)
                result.evidence.append(EvidenceItem(text=c.quote, source=where, supplied_at=p.proposed.proposed_at))
                known.add(c.quote)
    record.results[control.id] = result.model_validate(result.model_dump())
    refresh_levels(record, corpus)
    return control.id


def confirm_level(
    record: Assessment, corpus: Corpus, category_id: str, *, level: int, actor: str, rationale: str,
    acknowledge_pending: str | None = None,
) -> str:
    """Sign off a category level: the rule's level, resting on decided statuses, with every proposal decided.

    Undecided proposals block the sign-off unless the assessor acknowledges them with a reason
    (``acknowledge_pending``), which the record keeps beside the list of what was still pending.
    """
    ensure_writable(record)
    cid = resolve_category(record, corpus, category_id)
    lv = parse_level(level)
    who = _actor(actor)
    if not (rationale or "").strip():
        raise ValidationError("give a rationale for the confirmation (--rationale TEXT)")
    ack = " ".join((acknowledge_pending or "").split()) or None
    cat_model = corpus.category(cid)
    statuses = record.effective_statuses()
    score = score_category(cat_model, statuses, record.scope.deployment_scope())  # type: ignore[arg-type]
    if record.categories.get(cid) is not None and record.categories[cid].excluded:
        raise ValidationError(f"{cid} is excluded ({record.categories[cid].exclusion_reason}); include it first")
    if lv != score.level:
        if lv > score.level:
            short = [c for c in score.per_level[score.level + 1].applicable
                     if c not in score.per_level[score.level + 1].complete]
            why = f"{', '.join(short)} not yet met at L{score.level + 1}"
        else:
            why = f"every applicable objective up to L{score.level} is met"
        raise ValidationError(
            f"{cid}: the confirmed and manual statuses give L{score.level}, not L{lv} ({why}); "
            "confirm or set those objectives first"
        )
    decided = [c.id for c in cat_model.controls  # type: ignore[union-attr]
               if c.id in record.results and statuses.get(c.id, "unknown") != "unknown"]
    if not decided:
        raise ValidationError(
            f"{cid}: no objective has been assessed yet (nothing set or confirmed), so there is no level to "
            "confirm; interview, set or confirm its objectives first, or exclude the category with a reason"
        )
    pending = sorted(c.id for c in cat_model.controls  # type: ignore[union-attr]
                     if c.id in record.results and record.results[c.id].pending)
    if pending and not ack:
        raise ValidationError(
            f"{cid}: {len(pending)} proposals still await review ({', '.join(pending[:6])}); accept or override "
            "them first, or confirm with --acknowledge-pending REASON"
        )
    cat = record.category(cid)
    now = utcnow()
    cat.provenance.history.append(Change(
        at=now, actor=who, action="confirm-with-pending" if pending else "confirm", field="level",
        old=cat.provenance.confirmed, new=lv,
        rationale=rationale if not pending else f"{rationale} [pending acknowledged: {ack}; {', '.join(pending)}]"))
    cat.provenance.confirmed, cat.provenance.confirmed_by = lv, who
    cat.provenance.confirmed_at, cat.provenance.rationale = now, rationale
    cat.provenance.acknowledgement = ack if pending else None
    cat.provenance.pending_at_confirmation = pending
    cat.provenance.pending = False
    refresh_levels(record, corpus)
    return cid


def exclude_category(
    record: Assessment, corpus: Corpus, category_id: str, *, reason: str | None, actor: str, include: bool = False
) -> str:
    """Take an in-scope category out of the means, charts and finalisation check, with a reason (or put it back)."""
    ensure_writable(record)
    cid = resolve_category(record, corpus, category_id)
    who = _actor(actor)
    why = " ".join((reason or "").split())
    cat = record.category(cid)
    if include:
        if not cat.excluded:
            raise ValidationError(f"{cid} is not excluded")
        cat.provenance.history.append(Change(actor=who, action="include", field="excluded", old=True, new=False,
                                             rationale=why or None))
        cat.excluded, cat.exclusion_reason = False, None
        return cid
    if not why:
        raise ValidationError("give a reason for excluding the category (--reason TEXT)")
    cat.provenance.history.append(Change(actor=who, action="exclude", field="excluded", old=cat.excluded, new=True,
                                         rationale=why))
    cat.excluded, cat.exclusion_reason = True, why
    return cid


def set_target(
    record: Assessment, corpus: Corpus, category_id: str, level: Any, *, by_date: Any = None, actor: str
) -> str:
    ensure_writable(record)
    cid = resolve_category(record, corpus, category_id)
    lv = parse_level(level)
    when = parse_date(by_date)
    cat = record.category(cid)
    cat.provenance.history.append(Change(actor=_actor(actor), action="target", field="target_level",
                                         old=cat.target_level, new=lv))
    cat.target_level, cat.target_date = lv, when
    return cid


def set_status(record: Assessment, status: str, *, actor: str, corpus: Corpus | None = None) -> None:
    """draft -> in_review -> final; final needs every proposal decided and every category assessed or excluded."""
    allowed = STATUS_FLOW.get(record.status, ())
    if status not in allowed:
        raise ValidationError(
            f"assessment {record.id} is {record.status}; it can move to {', '.join(allowed) or 'nothing (final)'}"
        )
    if status == "final":
        pending = sorted(cid for cid, r in record.results.items() if r.pending)
        if pending:
            raise ValidationError(f"cannot finalise: {len(pending)} proposals await review ({', '.join(pending[:5])})")
        from aismm_assistant.assessment.states import category_states

        if corpus is None:
            from aismm_assistant.corpus import load_corpus

            corpus = load_corpus()
        open_ = [c for c, st in category_states(record, corpus).items()
                 if st != "assessed" and not (c in record.categories and record.categories[c].excluded)]
        if open_:
            raise ValidationError(
                f"cannot finalise: {len(open_)} categories are neither assessed nor excluded ({', '.join(open_)}); "
                "confirm their levels or exclude them with a reason"
            )
    record.history.append(Change(actor=_actor(actor), action="status", field="status", old=record.status, new=status))
    record.status = status  # type: ignore[assignment]
