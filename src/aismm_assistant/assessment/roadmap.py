"""What to do next (a gap roadmap) and what moved between two assessments (a diff)."""

from __future__ import annotations

from typing import Any

from aismm_assistant.assessment.record import Assessment
from aismm_assistant.assessment.scoring import COMPLETE, score_category
from aismm_assistant.model import CATEGORY_NAMES, CATEGORY_ORDER, DOMAIN_OF, DOMAINS, Corpus

_DOMAIN_RANK = {d: i for i, d in enumerate(DOMAINS)}


def roadmap(record: Assessment, corpus: Corpus, *, to_level: int | None = None) -> list[dict[str, Any]]:
    """Steps up the levels, lower levels first, then foundational before structural before procedural.

    Each in-scope category climbs to its target (or ``to_level``; or just the next level when it has
    no target); a step names the applicable objectives still missing at that level.
    """
    from aismm_assistant.assessment.summary import category_states

    scope = record.scope.deployment_scope()
    statuses = record.effective_statuses()
    states = category_states(record, corpus)
    steps: list[dict[str, Any]] = []
    for cid in record.scope.category_ids():
        cat = corpus.category(cid)
        if cat is None or (cid in record.categories and record.categories[cid].excluded):
            continue
        current = score_category(cat, statuses, scope).level
        rec = record.categories.get(cid)
        target = to_level or (rec.target_level if rec and rec.target_level else min(5, current + 1))
        for lv in range(current + 1, target + 1):
            missing = [
                {"control_id": c.id, "name": c.name, "status": statuses.get(c.id, "unknown")}
                for c in cat.controls_at(lv)
                if c.applies_to(scope) and statuses.get(c.id, "unknown") not in COMPLETE
            ]
            steps.append({
                "category": cid,
                "name": CATEGORY_NAMES[cid],
                "domain": DOMAIN_OF[cid],
                "from_level": lv - 1,
                "to_level": lv,
                "current_level": current,
                "state": states.get(cid, "not_assessed"),  # from_level is the rule's; no level stands unless assessed
                "target_level": rec.target_level if rec else None,
                "target_date": rec.target_date.isoformat() if rec and rec.target_date else None,
                "objectives": missing,
            })
    steps.sort(key=lambda s: (s["to_level"], _DOMAIN_RANK[s["domain"]], CATEGORY_ORDER.index(s["category"])))
    for i, step in enumerate(steps, 1):
        step["order"] = i
    return steps


def diff(a: Assessment, b: Assessment, corpus: Corpus) -> dict[str, Any]:
    """Levels, statuses, targets and evidence that changed from ``a`` to ``b``."""
    from aismm_assistant.assessment.summary import to_public

    pa, pb = to_public(a, corpus), to_public(b, corpus)
    cats = []
    for cid in [c for c in CATEGORY_ORDER if c in pa.categories or c in pb.categories]:
        ca, cb = pa.categories.get(cid), pb.categories.get(cid)
        before = ca.level if ca else None  # null unless assessed (issue 14)
        after = cb.level if cb else None
        r_before = ca.computed_level if ca else None
        r_after = cb.computed_level if cb else None
        t_before = ca.target_level if ca else None
        t_after = cb.target_level if cb else None
        if before != after or t_before != t_after or r_before != r_after:
            cats.append({"category": cid, "level_before": before, "level_after": after,
                         "state_before": ca.state if ca else None, "state_after": cb.state if cb else None,
                         "computed_before": r_before, "computed_after": r_after,
                         "target_before": t_before, "target_after": t_after,
                         "change": (after or 0) - (before or 0) if before and after else None})
    sa_, sb = a.effective_statuses(), b.effective_statuses()
    controls = []
    for cid in sorted(set(sa_) | set(sb), key=lambda x: (CATEGORY_ORDER.index(x.split("-")[0])
                                                        if x.split("-")[0] in CATEGORY_ORDER else 99, x)):
        before, after = sa_.get(cid, "unknown"), sb.get(cid, "unknown")
        ev_a = {e.text for e in a.results[cid].evidence} if cid in a.results else set()
        ev_b = {e.text for e in b.results[cid].evidence} if cid in b.results else set()
        if before != after or ev_a != ev_b:
            controls.append({"control_id": cid, "status_before": before, "status_after": after,
                             "evidence_added": sorted(ev_b - ev_a), "evidence_removed": sorted(ev_a - ev_b)})
    return {
        "from": a.id,
        "to": b.id,
        "organization": [a.organization, b.organization],
        "categories": cats,
        "controls": controls,
        "overall": {"before": pa.overall.get("mean_level"), "after": pb.overall.get("mean_level")},
    }
