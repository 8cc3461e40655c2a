"""The recommended process for staff: quick self-assessment, targets with owners, the roadmap plan,
risk weights, business units, what is due (docs/process.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from aismm_assistant.api.auth import StaffDep, StoreDep

router = APIRouter(prefix="/api", tags=["process"])

IdPath = Annotated[str, Path(min_length=1, max_length=64)]
CatPath = Annotated[str, Path(min_length=1, max_length=8)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuickAnswer(_Body):
    level: int = Field(ge=1, le=5)
    reason: str | None = Field(default=None, max_length=300)


class QuickIn(_Body):
    levels: dict[Annotated[str, Field(max_length=8)], QuickAnswer] = Field(min_length=1, max_length=12)


class TargetIn(_Body):
    level: int = Field(ge=1, le=5)
    by_date: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD")
    owner: str | None = Field(default=None, max_length=200)


class StepIn(_Body):
    owner: str | None = Field(default=None, max_length=200, description="Empty string clears it.")
    due: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD; empty string clears it.")


class UnitIn(_Body):
    unit: str = Field(min_length=1, max_length=200)
    deployment_types: list[Literal["All", "Self-hosted", "PaaS", "API/SaaS"]] = Field(default_factory=list, max_length=4)
    categories: list[Annotated[str, Field(max_length=8)]] = Field(default_factory=list, max_length=12)


class RiskIn(_Body):
    weights: dict[Annotated[str, Field(max_length=8)], int | None] = Field(default_factory=dict, max_length=12)
    ai_usage: list[Annotated[str, Field(max_length=40)]] | None = Field(default=None, max_length=10)


def _corpus():  # noqa: ANN202
    from aismm_assistant.corpus import load_corpus

    return load_corpus()


def roadmap_view(store, assessment_id: str) -> dict:  # noqa: ANN001
    from aismm_assistant.assessment.roadmap import AI_USAGE, default_risk, risk_weights, roadmap
    from aismm_assistant.assessment.targets import targets_view

    corpus = _corpus()
    record = store.get_assessment(assessment_id)
    defaults = default_risk(record)
    weights = risk_weights(record)
    risk = {cid: {"weight": weights[cid], "default": defaults[cid][0], "because": defaults[cid][1],
                  "set": bool(record.categories.get(cid) and record.categories[cid].risk_weight)}
            for cid in record.scope.category_ids()}
    return {"id": record.id, "organization": record.organization, "unit": record.unit,
            "status": record.status, "steps": roadmap(record, corpus), "risk": risk,
            "ai_usage": record.ai_usage, "ai_usage_options": {k: v[0] for k, v in AI_USAGE.items()},
            **{k: v for k, v in targets_view(record, corpus).items() if k != "id"}}


@router.get("/assessments/{assessment_id}/quick")
def get_quick(assessment_id: IdPath, user: StaffDep, store: StoreDep) -> dict:
    """Each in-scope category with its L1-L5 descriptors and the indicative level picked so far."""
    from aismm_assistant.assessment.quick import quick_form

    return quick_form(store.get_assessment(assessment_id), _corpus())


@router.post("/assessments/{assessment_id}/quick")
def post_quick(assessment_id: IdPath, body: QuickIn, user: StaffDep, store: StoreDep) -> dict:
    """Store indicative levels (all or none)."""
    from aismm_assistant.assessment.quick import quick_form, set_indicative

    corpus = _corpus()
    levels = {k: (v.level, v.reason) for k, v in body.levels.items()}
    record = store.update_assessment(assessment_id, lambda rec: set_indicative(rec, corpus, levels, actor=user.name))
    return quick_form(record, corpus)


@router.post("/assessments/{assessment_id}/categories/{category}/smart-target")
def set_smart_target(assessment_id: IdPath, category: CatPath, body: TargetIn, user: StaffDep,
                     store: StoreDep) -> dict:
    """Level, date and owner; the answer lists the warnings (L5 across the board, past dates, ...)."""
    from aismm_assistant.assessment.targets import set_target

    corpus = _corpus()
    store.update_assessment(assessment_id, lambda rec: set_target(
        rec, corpus, category, body.level, by_date=body.by_date, owner=body.owner, actor=user.name))
    return roadmap_view(store, assessment_id)


@router.get("/assessments/{assessment_id}/roadmap")
def get_roadmap(assessment_id: IdPath, user: StaffDep, store: StoreDep) -> dict:
    """Steps ordered by dependencies, risk and level, with owners and dates; risk weights; target warnings."""
    return roadmap_view(store, assessment_id)


@router.post("/assessments/{assessment_id}/roadmap/steps/{key}")
def set_step(assessment_id: IdPath, key: Annotated[str, Path(max_length=12)], body: StepIn, user: StaffDep,
             store: StoreDep) -> dict:
    from aismm_assistant.assessment.roadmap import set_step as set_plan

    store.update_assessment(assessment_id, lambda rec: set_plan(rec, key, owner=body.owner, due=body.due,
                                                                 actor=user.name))
    return roadmap_view(store, assessment_id)


@router.post("/assessments/{assessment_id}/risk")
def set_risk(assessment_id: IdPath, body: RiskIn, user: StaffDep, store: StoreDep) -> dict:
    """Per-category risk weights 1-5 (null resets to the default) and the AI usage profile."""
    from aismm_assistant.assessment.roadmap import set_risk as set_weights

    corpus = _corpus()
    store.update_assessment(assessment_id, lambda rec: set_weights(rec, corpus, dict(body.weights),
                                                                    ai_usage=body.ai_usage, actor=user.name))
    return roadmap_view(store, assessment_id)


@router.get("/assessments/{assessment_id}/roadmap/export", response_class=Response,
            responses={200: {"description": "The roadmap as a file download"}})
def export_roadmap(assessment_id: IdPath, user: StaffDep, store: StoreDep,
                   format: Annotated[Literal["csv", "xlsx", "jira", "servicenow"], Query()] = "csv") -> Response:
    from aismm_assistant.assessment.roadmap_export import MEDIA_TYPES, render

    record = store.get_assessment(assessment_id)
    content = render(record, _corpus(), format)
    media_type, ext = MEDIA_TYPES[format]
    return Response(content, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{record.id}-roadmap-{format}.{ext}"'})


@router.get("/assessments/{assessment_id}/units")
def get_units(assessment_id: IdPath, user: StaffDep, store: StoreDep) -> dict:
    """The business units of a program assessment: roll-up per category and side-by-side comparison."""
    from aismm_assistant.assessment.units import units_view

    return units_view(store, assessment_id, _corpus())


@router.post("/assessments/{assessment_id}/units", status_code=201)
def add_unit(assessment_id: IdPath, body: UnitIn, user: StaffDep, store: StoreDep) -> dict:
    """A business unit under this program assessment, with its own deployment scope."""
    from aismm_assistant.assessment.units import new_unit

    record = new_unit(store, assessment_id, body.unit, _corpus(), deployment_types=body.deployment_types or None,
                      categories=body.categories or None, actor=user.name)
    return {"id": record.id, "unit": record.unit, "parent_id": record.parent_id}


@router.post("/assessments/{assessment_id}/reassess", status_code=201)
def reassess(assessment_id: IdPath, user: StaffDep, store: StoreDep) -> dict:
    """Start a reassessment that carries over answers and evidence, marked for revalidation."""
    from aismm_assistant.assessment.due import awaiting_revalidation
    from aismm_assistant.assessment.due import reassess as start

    record = start(store, assessment_id, _corpus(), actor=user.name)
    return {"id": record.id, "reassessment_of": assessment_id, "revalidate": awaiting_revalidation(record)}


@router.get("/due")
def get_due(user: StaffDep, store: StoreDep,
            within: Annotated[int, Query(ge=0, le=3650)] = 30) -> dict:
    """Annual reassessments, quarterly check-ins on the top gaps, answers past revalidation."""
    from aismm_assistant.assessment.due import due_items

    return due_items(store.list_assessments(), _corpus(), within_days=within)
