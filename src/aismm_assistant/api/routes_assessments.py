"""Assessments for staff: create, show, export, confirm or override proposals, targets, evidence requests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from aismm_assistant import service
from aismm_assistant.api.auth import StaffDep, StoreDep
from aismm_assistant.api.errors import validated
from aismm_assistant.api.types import CategoryId, JsonInt
from aismm_assistant.errors import ValidationError

router = APIRouter(prefix="/api", tags=["assessments"])

IdPath = Annotated[str, Path(min_length=1, max_length=64)]
CatPath = Annotated[str, Path(min_length=1, max_length=8, description="Category ID, e.g. GOV (any case).")]
Rationale = Annotated[str, Field(min_length=1, max_length=2000, description="Why; kept in the record's history.")]
DeploymentType = Literal["All", "Self-hosted", "PaaS", "API/SaaS"]
StatusValue = Literal["met", "partial", "not_met", "not_applicable", "unknown"]


def future_date(value: str | None) -> str | None:
    """A YYYY-MM-DD date that is today or later (UTC): deadlines and targets never start overdue."""
    if value is None:
        return None
    try:
        when = date.fromisoformat(value)
    except ValueError:
        when = None
    if when is None or len(value) != 10:
        raise ValueError("give the date as YYYY-MM-DD, e.g. 2027-06-30")
    if when < datetime.now(UTC).date():
        raise ValueError(f"{value} is in the past; give today or a later date")
    return value


class _Body(BaseModel):
    """Request bodies are strict: `"level": true` or `"level": "1"` is refused, never coerced."""

    model_config = ConfigDict(extra="forbid")


class AssessmentIn(_Body):
    organization: str = Field(min_length=1, max_length=200)
    deployment_types: list[DeploymentType] = Field(default_factory=list, max_length=4)
    categories: list[CategoryId] = Field(default_factory=list, max_length=12, description="Empty = all twelve.")
    description: str = Field(default="", max_length=2000)


class LevelConfirm(_Body):
    level: JsonInt = Field(ge=1, le=5)
    rationale: Rationale
    acknowledge_pending: str | None = Field(
        default=None, max_length=2000, description="Confirm although proposals await review; say why.")


class ExclusionIn(_Body):
    reason: Rationale


class ControlConfirm(_Body):
    status: StatusValue | None = Field(default=None, description="Omit to accept the proposal; give one to override.")
    rationale: Rationale


class TargetIn(_Body):
    level: JsonInt = Field(ge=1, le=5)
    by_date: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD, today or later.",
                                json_schema_extra={"format": "date"})

    _future = field_validator("by_date")(classmethod(lambda cls, v: future_date(v)))


class EvidenceRequestIn(_Body):
    assessment_id: str | None = Field(default=None, min_length=1, max_length=64)
    category: CategoryId | None = None
    controls: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(default_factory=list, max_length=200)
    owner: str | None = Field(default=None, max_length=200, description="Who receives it (default: category owner role).")
    due: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD, today or later (default: in 14 days).",
                            json_schema_extra={"format": "date"})

    all: bool = Field(default=False, description="Every applicable objective not met (else: open up to the target).")

    _future = field_validator("due")(classmethod(lambda cls, v: future_date(v)))
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"anyOf": [{"required": ["assessment_id"], "properties": {"assessment_id": {"type": "string"}}},
                                     {"required": ["controls"], "properties": {"controls": {"minItems": 1}}}]},
    )


@router.get("/assessments")
def list_assessments(user: StaffDep, store: StoreDep) -> dict:
    return {
        "assessments": [
            {
                "id": a.id,
                "organization": a.organization,
                "status": a.status,
                "deployment_types": list(a.scope.deployment_types),
                "created_at": a.created_at.isoformat(),
                "updated_at": a.updated_at.isoformat(),
            }
            for a in store.list_assessments()
        ]
    }


@router.post("/assessments", status_code=201)
def create_assessment(body: AssessmentIn, user: StaffDep, store: StoreDep) -> dict:
    from aismm_assistant.assessment.record import AssessmentCreate

    create = validated(
        AssessmentCreate,
        organization=body.organization,
        scope={"deployment_types": body.deployment_types, "categories": body.categories},
        created_by=user.name,
        description=body.description,
    )
    record = store.create_assessment(create)
    return {"id": record.id}


@router.get("/assessments/{assessment_id}")
def show_assessment(assessment_id: IdPath, user: StaffDep, store: StoreDep) -> dict:
    """The record with levels, progress, gaps and pending proposals, as `aismm assessment show --json`."""
    return service.assessment_view(store, assessment_id)


@router.get("/assessments/{assessment_id}/interviews")
def assessment_interviews(assessment_id: IdPath, user: StaffDep, store: StoreDep) -> dict:
    store.get_assessment(assessment_id)
    return {"interviews": [r.public() for r in store.list_interviews(assessment_id)]}


@router.get(
    "/assessments/{assessment_id}/export",
    responses={200: {"description": "The export as a file download"}},
    response_class=Response,
)
def export_assessment(
    assessment_id: IdPath,
    user: StaffDep,
    store: StoreDep,
    format: Annotated[Literal["json", "yaml", "csv", "xlsx", "md", "html", "pdf", "docx", "oscal", "oscal-ap",
                              "oscal-poam", "oscal-ssp", "oscal-zip"], Query()] = "json",
) -> Response:
    out = service.export(store, assessment_id, format)
    return Response(out.content, media_type=out.media_type,
                    headers={"content-disposition": f'attachment; filename="{out.filename}"'})


@router.post("/assessments/{assessment_id}/categories/{category}/confirm")
def confirm_level(assessment_id: IdPath, category: CatPath, body: LevelConfirm, user: StaffDep, store: StoreDep) -> dict:
    """Sign off a category level; it must agree with the confirmed statuses (the scoring rule)."""
    store.confirm_level(assessment_id, category, level=body.level, actor=user.name, rationale=body.rationale,
                        acknowledge_pending=body.acknowledge_pending)
    return service.assessment_view(store, assessment_id)


@router.post("/assessments/{assessment_id}/categories/{category}/exclude")
def exclude_category(assessment_id: IdPath, category: CatPath, body: ExclusionIn, user: StaffDep,
                     store: StoreDep) -> dict:
    """Leave a category out of means, charts and finalisation, with a reason kept in the record."""
    store.exclude_category(assessment_id, category, reason=body.reason, actor=user.name)
    return service.assessment_view(store, assessment_id)


@router.delete("/assessments/{assessment_id}/categories/{category}/exclude")
def include_category(assessment_id: IdPath, category: CatPath, user: StaffDep, store: StoreDep) -> dict:
    store.exclude_category(assessment_id, category, reason=None, actor=user.name, include=True)
    return service.assessment_view(store, assessment_id)


@router.post("/assessments/{assessment_id}/categories/{category}/target")
def set_target(assessment_id: IdPath, category: CatPath, body: TargetIn, user: StaffDep, store: StoreDep) -> dict:
    """The level leadership aims for; the dashboard draws it against the current level."""
    store.set_target(assessment_id, category, body.level, by_date=body.by_date, actor=user.name)
    return service.assessment_view(store, assessment_id)


@router.post("/assessments/{assessment_id}/controls/{control_id}/confirm")
def confirm_control(
    assessment_id: IdPath,
    control_id: Annotated[str, Path(min_length=1, max_length=20)],
    body: ControlConfirm,
    user: StaffDep,
    store: StoreDep,
) -> dict:
    """Accept a proposal (no status) or override it (a status); either way with a rationale."""
    store.confirm_result(assessment_id, control_id, status=body.status, actor=user.name, rationale=body.rationale)
    return service.assessment_view(store, assessment_id)


@router.post("/evidence-requests")
def evidence_requests(body: EvidenceRequestIn, user: StaffDep, store: StoreDep) -> dict:
    """Draft what to send, to whom, for which control: the gaps and unknowns of an assessment."""
    if not body.assessment_id and not body.controls:
        raise ValidationError("give assessment_id or a list of controls")
    return service.evidence_requests(
        store, body.assessment_id, category=body.category, controls=body.controls, owner=body.owner, due=body.due,
        all_objectives=body.all,
    )
