"""The public view of an assessment: levels by the scoring rule, proposals beside them, gaps.

Surfaces (CLI `show`, the API, reports, exports) all start from ``to_public`` so they agree.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aismm_assistant.assessment.record import (
    Assessment,
    AssessmentPublic,
    CategoryPublic,
    ControlResult,
    ResultPublic,
)
from aismm_assistant.assessment.scoring import score_category, score_program
from aismm_assistant.assessment.states import assessed_categories, category_state, category_states  # noqa: F401
from aismm_assistant.model import CATEGORY_NAMES, DOMAIN_OF, LEVEL_NAMES, Corpus


def proposed_statuses(record: Assessment) -> dict[str, str]:
    """What the statuses would be if every pending proposal were accepted (shown, never final)."""
    out = record.effective_statuses()
    for cid, res in record.results.items():
        if res.pending and res.provenance.proposed is not None:
            out[cid] = res.provenance.proposed.status
    return out


def decided_at(res: ControlResult) -> datetime | None:
    """When a human last decided this status: the confirmation, else the latest manual change."""
    p = res.provenance
    if p.confirmed is not None and p.confirmed_at is not None:
        return p.confirmed_at
    manual = [h.at for h in p.history if p.manual is not None and h.action in ("set", "import")]
    return max(manual) if manual else None


def is_stale(res: ControlResult, now: datetime, max_age_days: int) -> bool:
    """A met or partial answer older than the revalidation window must be re-checked (reassessment cadence)."""
    when = decided_at(res)
    if res.status not in ("met", "partial") or when is None:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return now - when > timedelta(days=max_age_days)


def _revalidation_window() -> int:
    from aismm_assistant.settings import get_settings

    return get_settings().revalidate_after_days


def _result_public(res: ControlResult, corpus: Corpus, scope: list[str] | None,
                   now: datetime, window: int) -> ResultPublic | None:
    control = corpus.control(res.control_id)
    if control is None:
        return None
    p = res.provenance
    return ResultPublic(
        control_id=res.control_id,
        category=control.category,
        level=control.level,
        name=control.name,
        applicable=control.applies_to(scope),
        status=res.status,
        proposed_status=p.proposed.status if p.proposed else None,
        pending=p.pending,
        source=p.source,
        confidence=p.proposed.confidence if p.proposed else None,
        citations=list(p.proposed.citations) if p.proposed else [],
        flags=list(p.proposed.flags) if p.proposed else [],
        confirmed_by=p.confirmed_by,
        confirmed_at=p.confirmed_at,
        evidence=list(res.evidence),
        notes=res.notes,
        substitute_kpi=res.substitute_kpi,
        decided_at=decided_at(res),
        stale=is_stale(res, now, window),
    )


def to_public(record: Assessment, corpus: Corpus, *, all_controls: bool = False) -> AssessmentPublic:
    """Score the record; ``all_controls`` lists every in-scope objective, not only those with a result."""
    scope = record.scope.deployment_scope()
    cat_ids = [c for c in record.scope.category_ids() if corpus.category(c) is not None]
    statuses = record.effective_statuses()
    targets = {c: r.target_level for c, r in record.categories.items() if r.target_level and c in cat_ids}
    assessed = assessed_categories(record, corpus)
    program = score_program(corpus, statuses, scope, cat_ids, targets, assessed=assessed)
    program["overall"]["excluded"] = sum(1 for c in cat_ids if c in record.categories and record.categories[c].excluded)
    what_if = proposed_statuses(record)
    now, window = datetime.now(UTC), _revalidation_window()
    categories: dict[str, CategoryPublic] = {}
    for cid in cat_ids:
        cat = corpus.category(cid)
        score = score_category(cat, statuses, scope)  # type: ignore[arg-type]
        rec = record.categories.get(cid)
        prov = rec.provenance if rec else None
        lp = prov.proposed if prov else None
        pending = sum(1 for c in cat.controls if c.id in record.results and record.results[c.id].pending)  # type: ignore[union-attr]
        proposed_level = lp.level if lp else (
            score_category(cat, what_if, scope).level if pending else None  # type: ignore[arg-type]
        )
        target = rec.target_level if rec else None
        state = category_state(record, cat, scope, score.level)  # type: ignore[arg-type]
        stands = cid in assessed
        categories[cid] = CategoryPublic(
            category=cid,
            name=CATEGORY_NAMES[cid],
            domain=DOMAIN_OF[cid],
            state=state,  # type: ignore[arg-type]
            level=score.level if stands else None,
            level_name=LEVEL_NAMES[score.level] if stands else None,
            computed_level=score.level,
            indicative_level=getattr(rec, "indicative_level", None) if rec else None,
            excluded=bool(rec and rec.excluded),
            exclusion_reason=rec.exclusion_reason if rec else None,
            proposed_level=proposed_level,
            confirmed_level=prov.confirmed if prov else None,
            level_confirmed=bool(prov and prov.confirmed == score.level),
            target_level=target,
            target_date=rec.target_date if rec else None,
            gap=max(0, target - score.level) if target and stands else None,
            next_level=score.next_level,
            next_level_progress=score.next_level_progress,
            blocking=score.blocking,
            pending_proposals=pending,
            stale=[c.id for c in cat.controls  # type: ignore[union-attr]
                   if c.id in record.results and is_stale(record.results[c.id], now, window)],
        )
    from aismm_assistant.assessment.quick import annotate

    annotate(categories, record)
    results: list[ResultPublic] = []
    for cid in cat_ids:
        for control in corpus.category(cid).controls:  # type: ignore[union-attr]
            res = record.results.get(control.id)
            if res is None and not all_controls:
                continue
            pub = _result_public(res or ControlResult(control_id=control.id), corpus, scope, now, window)
            if pub:
                results.append(pub)
    return AssessmentPublic(
        id=record.id,
        organization=record.organization,
        unit=record.unit,
        parent_id=record.parent_id,
        status=record.status,
        scope=record.scope,
        corpus=record.corpus,
        corpus_changed=record.corpus.hash != corpus.content_hash,
        created_at=record.created_at,
        updated_at=record.updated_at,
        version=record.version,
        categories=categories,
        domains=program["domains"],
        overall=program["overall"],
        gaps=program["gaps"],
        results=results,
    )
