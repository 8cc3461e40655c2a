"""Calls into the library for the routes, in one place: the API parses, calls one of these, formats."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from aismm_assistant.errors import ValidationError


def validated(model: type[BaseModel], **values: Any) -> Any:
    """Build a library model from request values; a schema failure is a one-line 422, not a 500."""
    try:
        return model.model_validate(values)
    except PydanticValidationError as exc:
        from aismm_assistant.api.errors import describe_validation

        raise ValidationError(describe_validation(list(exc.errors()))) from None


def run_search(q: str, *, k: int, category: str | None, level: int | None, deployment: str | None) -> dict:
    from aismm_assistant.retrieval import search

    hits = search(q, k=k, category=category, level=level, deployment=deployment)
    return {"query": q, "results": [h.as_dict() for h in hits]}


def run_ask(question: str) -> dict:
    from aismm_assistant.answering import ask

    return dict(ask(question))


def interview_row(row: Any) -> dict:
    return {
        "id": row.id,
        "assessment_id": row.assessment_id,
        "category": row.category,
        "respondent": row.respondent,
        "status": row.status,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


def assessment_view(store: Any, assessment_id: str) -> dict:
    """`assessment show`: the scored record with every in-scope objective, plus the roadmap."""
    from aismm_assistant.assessment.roadmap import roadmap
    from aismm_assistant.assessment.summary import to_public
    from aismm_assistant.corpus import load_corpus

    corpus = load_corpus()
    record = store.get_assessment(assessment_id)
    data = to_public(record, corpus, all_controls=True).model_dump(mode="json")
    data["roadmap"] = roadmap(record, corpus)
    return data


EXPORT_MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "json": ("application/json", "json"),
    "yaml": ("application/yaml", "yaml"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "oscal": ("application/json", "oscal.json"),
    "oscal-ap": ("application/json", "assessment-plan.json"),
    "oscal-poam": ("application/json", "poam.json"),
    "oscal-ssp": ("application/json", "ssp.json"),
    "oscal-zip": ("application/zip", "oscal.zip"),
}


def export(store: Any, assessment_id: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, media type, file name) through the same writer as `aismm assessment export`."""
    import tempfile
    from pathlib import Path

    from aismm_assistant.assessment.exports import export_assessment
    from aismm_assistant.corpus import load_corpus

    if fmt not in EXPORT_MEDIA_TYPES:
        raise ValidationError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_MEDIA_TYPES)}")
    record = store.get_assessment(assessment_id)
    media_type, ext = EXPORT_MEDIA_TYPES[fmt]
    with tempfile.TemporaryDirectory(prefix="aismm-export-") as tmp:
        path = export_assessment(record, load_corpus(), fmt, Path(tmp) / f"export.{ext}")
        content = path.read_bytes()
    return content, media_type, f"{record.id}.{ext}"


def evidence_requests(
    store: Any,
    assessment_id: str | None,
    *,
    category: str | None = None,
    controls: list[str] | None = None,
    owner: str | None = None,
    due: str | None = None,
    all_objectives: bool = False,
) -> dict:
    """Draft requests for named controls, or for an assessment's applicable objectives not yet met."""
    from aismm_assistant.assessment.evidence import draft_evidence_requests
    from aismm_assistant.corpus import load_corpus

    if not assessment_id and not controls:
        raise ValidationError("give assessment_id or a list of controls")
    record = store.get_assessment(assessment_id) if assessment_id else None
    return draft_evidence_requests(
        load_corpus(), controls=controls or None, assessment=record, category=category, owner=owner, due=due,
        all_objectives=all_objectives,
    )
