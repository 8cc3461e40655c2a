"""Reassessment: what is due, check-ins, and starting a reassessment from an earlier one (docs/process.md).

The seed: an annual reassessment is reasonable; quarterly check-ins on the highest-priority gaps
are reasonable for larger or higher-risk programs. Answers and evidence expire too (the
revalidation window, evidence expiry dates). ``due_items`` lists all three kinds; a reassessment
(``reassess``) copies the earlier answers and evidence and marks each carried answer for
revalidation until a person sets or confirms it again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from aismm_assistant.assessment import actions
from aismm_assistant.assessment.record import Assessment, AssessmentCreate, Change, CheckIn
from aismm_assistant.errors import ValidationError
from aismm_assistant.model import CATEGORY_NAMES, Corpus

ANNUAL_DAYS = 365
CHECK_IN_DAYS = 91
TOP_GAPS = 3
CARRY = "carry-over"
DECISIONS = ("set", "confirm", "override", "import")


# ------------------------------------------------------------------ reassessment


def reassess(store: Any, source_id: str, corpus: Corpus, *, actor: str, evidence_store: Any = None) -> Assessment:
    """A new assessment that carries over scope, targets, owners, risk, plan, answers and evidence.

    Every carried answer keeps its history and gets a ``carry-over`` entry; it counts as before but
    is listed as due for revalidation until someone sets or confirms it in the new assessment.
    Pending proposals nobody ruled on and the quick self-assessment are not carried: redo them.
    """
    src = store.get_assessment(source_id)
    create = AssessmentCreate(organization=src.organization, scope=src.scope.model_copy(deep=True), created_by=actor,
                              description=f"Reassessment of {src.id}")
    record = actions.new_assessment(create, corpus)
    record.unit, record.parent_id, record.reassessment_of = src.unit, src.parent_id, src.id
    record.ai_usage = list(src.ai_usage)
    record.plan = {k: v.model_copy() for k, v in src.plan.items()}
    now = datetime.now(UTC).replace(microsecond=0)
    for cid, cat in src.categories.items():
        new = record.category(cid)
        new.target_level, new.target_date, new.target_owner = cat.target_level, cat.target_date, cat.target_owner
        new.risk_weight = cat.risk_weight
    for cid, res in src.results.items():
        if corpus.control(cid) is None or cid.split("-")[0] not in record.scope.category_ids():
            continue
        p = res.provenance
        if p.manual is None and p.confirmed is None and not res.evidence:
            continue  # only an undecided proposal: nothing a person stood behind
        carried = res.model_copy(deep=True)
        cp = carried.provenance
        if cp.pending:
            cp.pending, cp.proposed = False, None
        cp.history.append(Change(at=now, actor=actor, action=CARRY, field="status", old=None, new=carried.status,
                                 rationale=f"carried over from {src.id}; revalidate"))
        record.results[cid] = carried.model_validate(carried.model_dump())
    record.history.append(Change(at=now, actor=actor, action="reassess", rationale=f"reassessment of {src.id}"))
    actions.refresh_levels(record, corpus)
    record = store.insert_assessment(record)
    _carry_files(src.id, record.id, evidence_store)
    return record


def _carry_files(src_id: str, new_id: str, evidence_store: Any = None) -> int:
    """Attach the earlier assessment's evidence files to the new one (same blobs, same expiry)."""
    from aismm_assistant.evidence.store import get_evidence_store

    ev = evidence_store or get_evidence_store()
    n = 0
    for r in ev.list(src_id):
        ev.add(new_id, r.control_id, r.name, ev.read_bytes(r.sha256), added_by=r.added_by,
               note=f"carried over from {src_id}" + (f": {r.note}" if r.note else ""), expires=r.expires)
        n += 1
    return n


def awaiting_revalidation(record: Assessment) -> list[str]:
    """Carried-over answers (met or partial) that nobody has decided again since the carry-over."""
    out = []
    for cid, res in record.results.items():
        hist = res.provenance.history
        carried = [i for i, h in enumerate(hist) if h.action == CARRY]
        if not carried or res.status not in ("met", "partial"):
            continue
        if not any(h.action in DECISIONS for h in hist[carried[-1] + 1:]):
            out.append(cid)
    return sorted(out)


def check_in(record: Assessment, corpus: Corpus, category: str, *, actor: str, note: str | None = None) -> str:
    """Record a quarterly check-in on one category's gap."""
    cid = actions.resolve_category(record, corpus, category)
    who = " ".join((actor or "").split())
    if not who:
        raise ValidationError("say who held the check-in (--by NAME)")
    text = " ".join((note or "").split()) or None
    if text and len(text) > 500:
        raise ValidationError("a check-in note is at most 500 characters")
    record.check_ins.append(CheckIn(category=cid, by=who, note=text))
    return cid


# ------------------------------------------------------------------ what is due


def _day(value: datetime) -> date:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()


def superseded(records: list[Assessment]) -> set[str]:
    return {r.reassessment_of for r in records if r.reassessment_of}


def top_gaps(record: Assessment, corpus: Corpus, n: int = TOP_GAPS) -> list[str]:
    """The first ``n`` categories on the roadmap among those with a target: the highest-priority gaps."""
    from aismm_assistant.assessment.roadmap import roadmap

    targeted = {cid for cid, c in record.categories.items() if c.target_level}
    out: list[str] = []
    for step in roadmap(record, corpus):
        if step["category"] in targeted and step["category"] not in out:
            out.append(step["category"])
        if len(out) == n:
            break
    return out


def due_items(records: list[Assessment], corpus: Corpus, *, today: date | None = None, within_days: int = 30,
              evidence_store: Any = None) -> dict[str, Any]:
    """Everything due by ``today + within_days`` (overdue included), soonest first.

    Kinds: ``reassessment`` (a year after the latest assessment of an organisation or unit),
    ``check-in`` (every quarter on each of the top roadmap gaps), ``revalidation`` (answers past
    the revalidation window, carried-over answers not yet re-decided, expired evidence files).
    """
    from aismm_assistant.assessment.summary import _revalidation_window, is_stale

    today = today or datetime.now(UTC).date()
    horizon = today + timedelta(days=within_days)
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    window = _revalidation_window()
    old = superseded(records)
    items: list[dict[str, Any]] = []

    def add(kind: str, rec: Assessment, due: date, detail: str, **extra: Any) -> None:
        if due <= horizon:
            items.append({"kind": kind, "assessment_id": rec.id, "organization": rec.organization,
                          "unit": rec.unit, "due": due.isoformat(), "overdue": due < today,
                          "detail": detail, "category": extra.pop("category", None),
                          "control_id": extra.pop("control_id", None), **extra})

    for rec in records:
        if rec.id in old:
            continue
        start = _day(rec.created_at)
        add("reassessment", rec, start + timedelta(days=ANNUAL_DAYS),
            f"annual reassessment (started {start.isoformat()}): aismm assessment new --from {rec.id}")
        for cid in top_gaps(rec, corpus):
            last = max((_day(c.at) for c in rec.check_ins if c.category == cid), default=start)
            add("check-in", rec, last + timedelta(days=CHECK_IN_DAYS),
                f"quarterly check-in on {cid} {CATEGORY_NAMES[cid]} (last {last.isoformat()})", category=cid)
        carried = set(awaiting_revalidation(rec))
        for cid in sorted(carried):
            add("revalidation", rec, start, f"{cid} carried over from {rec.reassessment_of}: confirm or set it again",
                control_id=cid, category=cid.split("-")[0])
        from aismm_assistant.assessment.summary import decided_at

        for cid, res in sorted(rec.results.items()):
            if cid in carried or not is_stale(res, now + timedelta(days=within_days), window):
                continue
            when = decided_at(res)
            add("revalidation", rec, _day(when) + timedelta(days=window),  # type: ignore[arg-type]
                f"{cid} {res.status} decided {_day(when).isoformat()}, older than {window} days",  # type: ignore[arg-type]
                control_id=cid, category=cid.split("-")[0])
        for ev in _expired_files(rec.id, horizon, evidence_store):
            add("revalidation", rec, date.fromisoformat(ev["expires"]), ev["reason"], control_id=ev["control_id"],
                category=ev["control_id"].split("-")[0])
    items.sort(key=lambda i: (i["due"], i["kind"], i["assessment_id"], i["control_id"] or ""))
    return {"as_of": today.isoformat(), "within_days": within_days, "items": items}


def _expired_files(assessment_id: str, by: date, evidence_store: Any) -> list[dict[str, Any]]:
    from aismm_assistant.evidence.store import due_for_revalidation

    return due_for_revalidation(assessment_id, by + timedelta(days=1), evidence_store=evidence_store)
