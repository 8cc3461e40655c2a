"""Evidence files over HTTP: uploads on the review page (staff) and on an interview (its respondent).

An upload is JSON with the file as base64 (``content_base64``): no multipart parser, and the same
Idempotency-Key and body-limit middleware as every other write (the body limit for these two paths is
the evidence file limit, ``AISMM_EVIDENCE_MAX_BYTES``, in base64, see ``upload_body_limit``). The file
is checked, stored and attached through ``evidence.store.add_evidence``; then the attached documents of
that objective's category are read by the analyser (``evidence.analyse``), whose proposals are stored
pending, never confirmed. ``GET /api/evidence/{sha256}/text`` serves the extracted text with its locators
so that a page can show a cited quote highlighted in the document.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from aismm_assistant.api.auth import Principal, StaffDep, StoreDep, UserDep, check_interview_access
from aismm_assistant.errors import AismmError, NotFoundError, PermissionDenied, ValidationError
from aismm_assistant.storage import Store

router = APIRouter(prefix="/api", tags=["evidence"])

IdPath = Annotated[str, Path(min_length=1, max_length=64)]
ShaPath = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="sha256 of the file, lower-case hex")]
#: the two upload paths, for the body-limit middleware
UPLOAD_PATHS = re.compile(r"^/api/(assessments|interviews)/[^/]+/evidence$")
UPLOAD_OVERHEAD = 64 * 1024  # the JSON around the base64: name, note, objective


def upload_body_limit(evidence_max_bytes: int) -> int:
    """The largest upload body: the largest evidence file in base64, plus the JSON around it."""
    return -(-evidence_max_bytes // 3) * 4 + UPLOAD_OVERHEAD


BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
ControlField = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z]{2,3}-[0-9]{2}\.[0-9]{1,2}$",
                     description="The objective it evidences, e.g. GOV-02.1.")


class UploadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255, pattern=r"^[^/\\]*\.[A-Za-z0-9]{1,10}$",
                      description="File name with its extension, e.g. ai-policy.pdf.")
    content_base64: str = Field(min_length=4, pattern=BASE64,
                                description="The file's bytes, base64 (RFC 4648, no line breaks).")
    note: str | None = Field(default=None, max_length=500, description="What the file shows.")
    expires: date | None = Field(default=None, description="Revalidate the file after this date.")
    analyse: bool = Field(default=True, description="Read the category's documents and propose statuses now.")


class AssessmentUploadIn(UploadIn):
    control_id: str = ControlField


class InterviewUploadIn(UploadIn):
    control_id: str | None = Field(default=None, min_length=1, max_length=32,
                                   pattern=r"^[A-Za-z]{2,3}-[0-9]{2}\.[0-9]{1,2}$",
                                   description="The objective it evidences (default: the current question's).")


def _decode(body: UploadIn, limit: int) -> bytes | JSONResponse:
    try:
        data = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(f"{body.name}: content_base64 is not valid base64; nothing was stored") from None
    if len(data) > limit:
        return JSONResponse({"error": f"{body.name}: file is {len(data) / 1048576:.1f} MB, over the "
                                      f"{limit / 1048576:g} MB limit; nothing was stored"}, status_code=413)
    return data


def _store_upload(request: Request, store: Store, assessment_id: str, control_id: str, body: UploadIn,
                  user: Principal) -> dict | JSONResponse:
    from aismm_assistant.evidence.store import add_evidence

    limit = request.app.state.settings.evidence_max_bytes
    data = _decode(body, limit)
    if isinstance(data, JSONResponse):
        return data
    record = add_evidence(assessment_id, control_id, body.name, data, added_by=user.name, note=body.note,
                          expires=body.expires, store=store)
    out: dict[str, Any] = {"evidence": record.to_dict(), "analysis": None}
    if body.analyse:
        out["analysis"] = _analyse(store, assessment_id, record.control_id)
    return out


def _analyse(store: Store, assessment_id: str, control_id: str) -> dict[str, Any]:
    """The category's documents read now; an analyser failure (an LLM down) leaves the upload stored."""
    from aismm_assistant.api.errors import in_web_words
    from aismm_assistant.evidence.analyse import analyse_documents

    try:
        result = analyse_documents(assessment_id, control_id, store=store)
    except AismmError as exc:
        return {"error": in_web_words(str(exc)), "proposals": [], "stored": False}
    return result


@router.post("/assessments/{assessment_id}/evidence", status_code=201)
def upload_for_assessment(assessment_id: IdPath, body: AssessmentUploadIn, request: Request, user: StaffDep,
                          store: StoreDep) -> Any:
    """Attach a file to an objective (staff); its category's documents are then read and proposals stored pending."""
    return _store_upload(request, store, assessment_id, body.control_id, body, user)


@router.post("/interviews/{interview_id}/evidence", status_code=201)
def upload_for_interview(interview_id: IdPath, body: InterviewUploadIn, request: Request, user: UserDep,
                         store: StoreDep) -> Any:
    """A respondent attaches a document to an objective of their interview's category (staff may too)."""
    from aismm_assistant.corpus import get_control

    row = store.get_interview(interview_id)
    check_interview_access(user, row)
    if row.status == "done":
        raise ValidationError(f"interview {interview_id} is finished; attach files from the review page")
    control_id = body.control_id or _current_objective(store, interview_id)
    control = get_control(control_id)
    if control.category != row.category:
        raise PermissionDenied(f"{control.id} is not in this interview's category {row.category}")
    return _store_upload(request, store, row.assessment_id, control.id, body, user)


def _current_objective(store: Store, interview_id: str) -> str:
    from aismm_assistant.interview.engine import get_interview_view

    question = get_interview_view(store, interview_id).get("question") or {}
    controls = question.get("controls") or []
    if not controls:
        raise ValidationError("say which objective the file evidences (control_id)")
    return controls[0]


@router.get("/assessments/{assessment_id}/evidence")
def list_for_assessment(assessment_id: IdPath, user: StaffDep, store: StoreDep) -> dict:
    """The files attached to an assessment, and the expired ones flagged for revalidation."""
    from aismm_assistant.evidence.store import due_for_revalidation, list_evidence

    records = list_evidence(assessment_id, store=store)
    return {"assessment": assessment_id, "evidence": [r.to_dict() for r in records],
            "expired": due_for_revalidation(assessment_id)}


@router.get("/interviews/{interview_id}/evidence")
def list_for_interview(interview_id: IdPath, user: UserDep, store: StoreDep) -> dict:
    """The files attached to the objectives of an interview's category (its respondent, or staff)."""
    from aismm_assistant.evidence.store import get_evidence_store

    row = store.get_interview(interview_id)
    check_interview_access(user, row)
    records = [r for r in get_evidence_store().list(row.assessment_id)
               if r.control_id.split("-")[0] == row.category]
    return {"interview": interview_id, "evidence": [r.to_dict() for r in records]}


@router.get("/evidence/{sha256}/text")
def evidence_text(sha256: ShaPath, user: UserDep, store: StoreDep) -> dict:
    """The file's extracted text as segments with locators (what citations are verified against).

    Staff may read any stored file attached to an assessment; a respondent only files attached to the
    category of an interview assigned to them.
    """
    from aismm_assistant.evidence.store import get_evidence_store

    ev = get_evidence_store()
    may_read = _readable(user, store)
    rows = [r for r in ev.attachments(sha256) if may_read(r)]
    if not rows:
        raise NotFoundError(f"no evidence file {sha256}")  # the same answer whether it exists or not
    text = ev.text(sha256)
    return {"sha256": sha256, "name": rows[0].name, "media_type": text.media_type,
            "segments": [{"locator": s.locator, "text": s.text, "sep": s.sep} for s in text.segments],
            "attached": [{"assessment_id": r.assessment_id, "control_id": r.control_id} for r in rows]}


def _readable(user: Principal, store: Store) -> Any:
    """Which attachments this user may see: staff all; a respondent those of their interviews' categories."""
    if user.is_staff:
        return lambda r: True
    mine = {(i.assessment_id, i.category) for i in store.list_interviews() if i.respondent_id == user.id}
    return lambda r: (r.assessment_id, r.control_id.split("-")[0]) in mine
