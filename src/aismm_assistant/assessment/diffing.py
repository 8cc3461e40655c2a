"""What moved between two assessments of the same organisation: levels, states, targets, statuses."""

from __future__ import annotations

from typing import Any

from aismm_assistant.assessment.record import Assessment
from aismm_assistant.model import CATEGORY_ORDER, Corpus


def diff(a: Assessment, b: Assessment, corpus: Corpus) -> dict[str, Any]:
    """Levels (KPI and indicative), targets, statuses and evidence that changed from ``a`` to ``b``."""
    from aismm_assistant.assessment.summary import to_public

    pa, pb = to_public(a, corpus), to_public(b, corpus)
    cats = []
    for cid in [c for c in CATEGORY_ORDER if c in pa.categories or c in pb.categories]:
        ca, cb = pa.categories.get(cid), pb.categories.get(cid)
        before = ca.level if ca else None
        after = cb.level if cb else None
        # with category states, ``level`` is null until assessed and ``computed_level`` is the rule's answer
        r_before = getattr(ca, "computed_level", None) if ca else None
        r_after = getattr(cb, "computed_level", None) if cb else None
        t_before = ca.target_level if ca else None
        t_after = cb.target_level if cb else None
        i_before = ca.indicative_level if ca else None
        i_after = cb.indicative_level if cb else None
        if before != after or t_before != t_after or r_before != r_after or i_before != i_after:
            row: dict[str, Any] = {"category": cid, "level_before": before, "level_after": after}
            if hasattr(ca or cb, "state"):
                row.update(state_before=getattr(ca, "state", None), state_after=getattr(cb, "state", None),
                           computed_before=r_before, computed_after=r_after)
            row.update(target_before=t_before, target_after=t_after,
                       change=(after or 0) - (before or 0) if before and after else None)
            if i_before != i_after:
                row.update(indicative_before=i_before, indicative_after=i_after)
            cats.append(row)
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
