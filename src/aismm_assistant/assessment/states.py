"""A category's state: not_assessed, in_progress or assessed (docs/scoring.md).

Below the summary and the actions on purpose: finalising an assessment (actions), the roadmap and the
public view (summary) all read the state, and none of them may import the others in a circle.
"""

from __future__ import annotations

from aismm_assistant.assessment.record import Assessment
from aismm_assistant.assessment.scoring import score_category
from aismm_assistant.model import Category, Corpus


def category_state(record: Assessment, category: Category, scope: list[str] | None, computed_level: int) -> str:
    """``assessed`` once a human signed off the level the rule gives (or decided every applicable objective,
    as a filled workbook does); ``in_progress`` once anything was proposed or decided; else ``not_assessed``.
    """
    rec = record.categories.get(category.id)
    prov = rec.provenance if rec else None
    if prov is not None and prov.confirmed is not None and prov.confirmed == computed_level:
        return "assessed"
    results = [record.results[c.id] for c in category.controls if c.id in record.results]
    pending = any(r.pending for r in results)
    applicable = [c.id for c in category.controls if c.applies_to(scope)]
    decided = {r.control_id for r in results if r.provenance.confirmed or r.provenance.manual}
    if applicable and not pending and all(
            cid in decided and record.results[cid].status != "unknown" for cid in applicable):
        return "assessed"
    if pending or decided or (prov is not None and prov.proposed is not None):
        return "in_progress"
    return "not_assessed"


def category_states(record: Assessment, corpus: Corpus) -> dict[str, str]:
    """The state of every in-scope category (excluded ones report their state too; see ``excluded``)."""
    scope = record.scope.deployment_scope()
    statuses = record.effective_statuses()
    out = {}
    for cid in record.scope.category_ids():
        cat = corpus.category(cid)
        if cat is not None:
            out[cid] = category_state(record, cat, scope, score_category(cat, statuses, scope).level)
    return out


def assessed_categories(record: Assessment, corpus: Corpus) -> list[str]:
    """Categories whose level stands: assessed and not excluded (what means and charts cover)."""
    states = category_states(record, corpus)
    return [c for c, s in states.items()
            if s == "assessed" and not (c in record.categories and record.categories[c].excluded)]
