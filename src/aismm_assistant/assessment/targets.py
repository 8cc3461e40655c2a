"""S.M.A.R.T. targets: a level, a date and an owner per category, and the warnings the seed suggests.

The seed: "Reach Level 4 in Security Monitoring within 12 months" is a goal; organisations
should not target Level 5 across the board, and most should not target it in most categories.
Warnings advise; they never block a target (the model is guidance, not a mandate).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aismm_assistant.assessment import actions
from aismm_assistant.assessment.record import Assessment, Change
from aismm_assistant.errors import ValidationError
from aismm_assistant.model import CATEGORY_NAMES, Corpus

MAX_CLIMB_PER_YEAR = 2


def set_target(record: Assessment, corpus: Corpus, category: str, level: Any, *, by_date: Any = None,
               owner: str | None = None, actor: str) -> str:
    """Set level and date (as `assessment target`) and, when given, the owner."""
    who = owner if owner is None else " ".join(owner.split())
    if who is not None and len(who) > 200:
        raise ValidationError("an owner name is at most 200 characters")
    cid = actions.set_target(record, corpus, category, level, by_date=by_date, actor=actor)
    cat = record.category(cid)
    if who is not None and (who or None) != cat.target_owner:
        cat.provenance.history.append(Change(actor=" ".join((actor or "").split()) or "assessor",
                                             action="target", field="target_owner", old=cat.target_owner,
                                             new=who or None))
        cat.target_owner = who or None
    return cid


def target_warnings(record: Assessment, corpus: Corpus, *, today: date | None = None) -> list[dict[str, Any]]:
    """What makes a target less than S.M.A.R.T., or a target the seed advises against."""
    from aismm_assistant.assessment.roadmap import risk_weights
    from aismm_assistant.assessment.scoring import score_category

    today = today or date.today()
    scope = record.scope.deployment_scope()
    statuses = record.effective_statuses()
    weights = risk_weights(record)
    in_scope = [c for c in record.scope.category_ids() if corpus.category(c) is not None]
    out: list[dict[str, Any]] = []

    def warn(cid: str | None, code: str, message: str) -> None:
        out.append({"category": cid, "code": code, "message": message})

    l5 = [c for c in in_scope if (r := record.categories.get(c)) and r.target_level == 5]
    if len(in_scope) > 1 and len(l5) > len(in_scope) / 2:
        warn(None, "l5-across-the-board",
             f"L5 targeted in {len(l5)} of {len(in_scope)} categories: the model advises against L5 across the "
             "board; L3-L4 with selected L5 where your AI usage needs it is a common program target")
    for cid in in_scope:
        rec = record.categories.get(cid)
        if rec is None or not rec.target_level:
            continue
        name = f"{cid} {CATEGORY_NAMES[cid]}"
        current = score_category(corpus.category(cid), statuses, scope).level  # type: ignore[arg-type]
        if rec.target_date is None:
            warn(cid, "no-date", f"{name}: target L{rec.target_level} has no date (not time-bound)")
        elif rec.target_date < today:
            warn(cid, "date-in-past", f"{name}: target date {rec.target_date.isoformat()} is in the past")
        if not rec.target_owner:
            warn(cid, "no-owner", f"{name}: target L{rec.target_level} has no owner")
        if rec.target_level <= current:
            warn(cid, "already-reached", f"{name}: already at L{current}, target L{rec.target_level} is reached")
        elif rec.target_date and rec.target_date >= today:
            years = max((rec.target_date - today).days / 365.25, 0.25)
            if (rec.target_level - current) / years > MAX_CLIMB_PER_YEAR:
                warn(cid, "steep", f"{name}: L{current} to L{rec.target_level} by {rec.target_date.isoformat()} "
                                   f"is more than {MAX_CLIMB_PER_YEAR} levels a year (achievable?)")
        if rec.target_level == 5 and weights.get(cid, 0) <= 2:
            warn(cid, "l5-low-risk", f"{name}: L5 in a category with risk weight {weights.get(cid)}; "
                                     "the step from L4 to L5 is steep and rarely pays off at low risk")
    return out


def targets_view(record: Assessment, corpus: Corpus, *, today: date | None = None) -> dict[str, Any]:
    targets = [{"category": cid, "name": CATEGORY_NAMES[cid], "target_level": r.target_level,
                "target_date": r.target_date.isoformat() if r.target_date else None, "owner": r.target_owner}
               for cid, r in record.categories.items() if r.target_level]
    return {"id": record.id, "targets": targets, "warnings": target_warnings(record, corpus, today=today)}
