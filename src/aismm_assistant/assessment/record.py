"""The assessment record: one structure for manual and assisted work.

A manual and an assisted assessment differ only in the ``provenance`` of each result and level.
The effective status of a result is the confirmed value if any, else the manual value, else
``unknown``; an unconfirmed proposal is shown beside it but never counts (docs/scoring.md).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aismm_assistant.model import CATEGORY_ORDER, normalize_deployment_type

Status = Literal["met", "partial", "not_met", "not_applicable", "unknown"]
AssessmentStatus = Literal["draft", "in_review", "final"]
CategoryState = Literal["not_assessed", "in_progress", "assessed"]
Source = Literal["manual", "assisted"]
SCHEMA_VERSION = 1
STATUS_FLOW: dict[str, tuple[str, ...]] = {
    "draft": ("in_review",),
    "in_review": ("draft", "final"),
    "final": (),
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def new_id() -> str:
    return "asm-" + uuid.uuid4().hex[:12]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Change(_Strict):
    """One entry of an append-only history: who changed what, when and why."""

    at: datetime = Field(default_factory=utcnow)
    actor: str
    action: str
    field: str | None = None
    old: Any = None
    new: Any = None
    rationale: str | None = None


class EvidenceItem(_Strict):
    """A piece of evidence: its text, where it came from, who supplied it and when."""

    text: str = Field(min_length=1)
    source: str = "manual"
    supplied_by: str | None = None
    supplied_at: datetime | None = None


class Citation(_Strict):
    """A verbatim quote that supports a proposal: from an interview turn, or from an evidence file.

    An interview citation has ``turn`` (and ``interview_id``); a document citation has ``evidence`` (the
    file's sha256) and ``locator`` ('p. 3', 'line 41', 'Sheet1!B7'), checked verbatim against the file's
    extracted text (docs/evidence.md). Records written before documents could be cited load unchanged.
    """

    turn: int | None = Field(default=None, ge=0)
    quote: str = Field(min_length=1)
    interview_id: str | None = None
    evidence: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$", description="sha256 of the evidence file")
    locator: str | None = Field(default=None, min_length=1, max_length=200, description="where in the file")

    @model_validator(mode="after")
    def _points_somewhere(self) -> Citation:
        if self.turn is None and self.evidence is None:
            raise ValueError("a citation names an interview turn or an evidence file")
        if self.evidence is not None and not self.locator:
            raise ValueError("a citation of an evidence file gives its locator")
        return self

    def where(self, interview_id: str | None = None) -> str:
        """Where the quote is, in words: 'interview iv-1 turn 3' or 'evidence ab12cd34ef56 p. 3'."""
        if self.evidence is not None:
            return f"evidence {self.evidence[:12]} {self.locator}"
        return f"interview {self.interview_id or interview_id or '?'} turn {self.turn}"


class FlagNote(_Strict):
    """A sentence the screening flagged (a steering attempt, an instruction to the system): never cited."""

    turn: int = Field(ge=0)
    quote: str
    reason: str
    interview_id: str | None = None


class SubstituteKPI(_Strict):
    """An assessor-chosen KPI replacing the corpus one at the same level; the record keeps both."""

    name: str = Field(min_length=1)
    objective: str = Field(min_length=1)
    rationale: str | None = None


class IndicativeLevel(_Strict):
    """A level picked from the level descriptors in the quick self-assessment: qualitative, beside the KPI level."""

    level: int = Field(ge=1, le=5)
    reason: str | None = Field(default=None, max_length=300)
    by: str
    at: datetime = Field(default_factory=utcnow)


class StepPlan(_Strict):
    """Who carries one roadmap step (category, level) and by when."""

    owner: str | None = Field(default=None, max_length=200)
    due: date | None = None


class CheckIn(_Strict):
    """A quarterly check-in on one category's gap (docs/process.md)."""

    category: str
    at: datetime = Field(default_factory=utcnow)
    by: str
    note: str | None = Field(default=None, max_length=500)


class Proposal(_Strict):
    """An assisted proposal for one objective; never final until a human confirms it."""

    control_id: str
    status: Status
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    citations: list[Citation] = Field(default_factory=list)
    flags: list[FlagNote | str] = Field(default_factory=list)
    engine: str = "offline"
    prompts: dict[str, str] = Field(default_factory=dict, description="prompt file name -> sha256")
    interview_id: str | None = None
    rationale: str | None = None
    proposed_at: datetime = Field(default_factory=utcnow)


class LevelProposal(_Strict):
    """An assisted proposal for a category level."""

    category: str
    level: int = Field(ge=1, le=5)
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    engine: str = "offline"
    prompts: dict[str, str] = Field(default_factory=dict)
    interview_id: str | None = None
    rationale: str | None = None
    flags: list[FlagNote | str] = Field(default_factory=list)
    proposed_at: datetime = Field(default_factory=utcnow)


class Provenance(_Strict):
    """Where a value came from: the only part in which manual and assisted records differ."""

    source: Source = "manual"
    manual: Status | None = None
    proposed: Proposal | None = None
    pending: bool = Field(default=False, description="A proposal awaits a human decision.")
    confirmed: Status | None = None
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    rationale: str | None = None
    history: list[Change] = Field(default_factory=list)


class ControlResult(_Strict):
    """The result for one control objective; ``status`` is derived from provenance."""

    control_id: str
    status: Status = "unknown"
    evidence: list[EvidenceItem] = Field(default_factory=list)
    notes: str = ""
    substitute_kpi: SubstituteKPI | None = None
    provenance: Provenance = Field(default_factory=Provenance)

    @model_validator(mode="after")
    def _derive_status(self) -> ControlResult:
        p = self.provenance
        self.status = p.confirmed or p.manual or "unknown"
        return self

    @property
    def pending(self) -> bool:
        """A proposal no human has ruled on since it was made."""
        return self.provenance.pending


class LevelProvenance(_Strict):
    proposed: LevelProposal | None = None
    pending: bool = False
    confirmed: int | None = Field(default=None, ge=1, le=5)
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    rationale: str | None = None
    acknowledgement: str | None = Field(
        default=None, description="Why the level was confirmed while proposals were still undecided.")
    pending_at_confirmation: list[str] = Field(
        default_factory=list, description="Objectives whose proposals were undecided when the level was confirmed.")
    history: list[Change] = Field(default_factory=list)


class CategoryRecord(_Strict):
    """Per-category state: the computed level (kept current by the store), target, exclusion and provenance."""

    category: str
    level: int = Field(default=1, ge=1, le=5)
    target_level: int | None = Field(default=None, ge=1, le=5)
    target_date: date | None = None
    excluded: bool = False
    exclusion_reason: str | None = None
    target_owner: str | None = Field(default=None, max_length=200)
    provenance: LevelProvenance = Field(default_factory=LevelProvenance)
    indicative: IndicativeLevel | None = None
    risk_weight: int | None = Field(default=None, ge=1, le=5, description="Set by the organisation; None = default.")


class Scope(_Strict):
    deployment_types: list[str] = Field(default_factory=list, description="Empty = every deployment type.")
    categories: list[str] = Field(default_factory=list, description="Empty = all twelve categories.")

    @field_validator("deployment_types")
    @classmethod
    def _types(cls, v: list[str]) -> list[str]:
        out: list[str] = []
        for t in v:
            norm = normalize_deployment_type(t)
            if norm not in out:
                out.append(norm)
        return out

    @field_validator("categories")
    @classmethod
    def _cats(cls, v: list[str]) -> list[str]:
        out = []
        for c in v:
            cid = c.strip().upper()
            if cid not in CATEGORY_ORDER:
                raise ValueError(f"unknown category {c!r} (known: {', '.join(CATEGORY_ORDER)})")
            if cid not in out:
                out.append(cid)
        return sorted(out, key=CATEGORY_ORDER.index)

    def category_ids(self) -> list[str]:
        return list(self.categories) or list(CATEGORY_ORDER)

    def deployment_scope(self) -> list[str] | None:
        """The scope handed to the scoring rule (None = everything applies)."""
        return list(self.deployment_types) or None


class CorpusRef(_Strict):
    name: str
    version: str
    hash: str
    official: bool = False  # true only for a corpus imported from the official CSA files


class AssessmentCreate(_Strict):
    """What a user supplies to start an assessment."""

    organization: str = Field(min_length=1, max_length=200)
    scope: Scope = Field(default_factory=Scope)
    created_by: str | None = None
    description: str = ""

    @field_validator("organization")
    @classmethod
    def _org(cls, v: str) -> str:
        v = " ".join(v.split())
        if not v:
            raise ValueError("organization must not be blank")
        return v


class Assessment(AssessmentCreate):
    """The full stored record (``doc`` column of the ``assessments`` table)."""

    schema_version: int = SCHEMA_VERSION
    id: str = Field(default_factory=new_id)
    status: AssessmentStatus = "draft"
    corpus: CorpusRef
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 0
    categories: dict[str, CategoryRecord] = Field(default_factory=dict)
    results: dict[str, ControlResult] = Field(default_factory=dict)
    history: list[Change] = Field(default_factory=list)
    unit: str | None = Field(default=None, max_length=200, description="Business unit; None = the whole program.")
    parent_id: str | None = Field(default=None, description="The program assessment this unit belongs to.")
    reassessment_of: str | None = Field(default=None, description="The assessment this one reassesses.")
    ai_usage: list[str] = Field(default_factory=list, description="How AI is used; sets default risk weights.")
    plan: dict[str, StepPlan] = Field(default_factory=dict, description="Roadmap step 'GOV-L3' -> owner, due.")
    check_ins: list[CheckIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _keys(self) -> Assessment:
        for key, res in self.results.items():
            if key != res.control_id:
                raise ValueError(f"results key {key!r} does not match control_id {res.control_id!r}")
        for key, cat in self.categories.items():
            if key != cat.category:
                raise ValueError(f"categories key {key!r} does not match category {cat.category!r}")
        return self

    def effective_statuses(self) -> dict[str, str]:
        return {cid: r.status for cid, r in self.results.items()}

    def result(self, control_id: str) -> ControlResult:
        if control_id not in self.results:
            self.results[control_id] = ControlResult(control_id=control_id)
        return self.results[control_id]

    def category(self, category_id: str) -> CategoryRecord:
        if category_id not in self.categories:
            self.categories[category_id] = CategoryRecord(category=category_id)
        return self.categories[category_id]


class CategoryPublic(BaseModel):
    category: str
    name: str
    domain: str
    state: CategoryState = "not_assessed"
    level: int | None = Field(default=None, description="The level by the scoring rule; null until assessed.")
    level_name: str | None = None
    computed_level: int = Field(
        default=1, description="What the rule gives from the effective statuses now, assessed or not.")
    indicative_level: int | None = Field(default=None, description="From the quick self-assessment, if any.")
    excluded: bool = False
    exclusion_reason: str | None = None
    proposed_level: int | None = None
    confirmed_level: int | None = None
    level_confirmed: bool = False
    target_level: int | None = None
    target_date: date | None = None
    target_owner: str | None = None
    indicative_reason: str | None = None
    risk_weight: int | None = None
    gap: int | None = None
    next_level: int | None = None
    next_level_progress: float | None = None
    blocking: list[str] = Field(default_factory=list)
    pending_proposals: int = 0
    stale: list[str] = Field(default_factory=list, description="Objectives whose met/partial status needs revalidation.")


class ResultPublic(BaseModel):
    control_id: str
    category: str
    level: int
    name: str
    applicable: bool
    status: Status
    proposed_status: Status | None = None
    pending: bool = False
    source: Source
    confidence: float | None = None
    citations: list[Citation] = Field(default_factory=list)
    flags: list[FlagNote | str] = Field(default_factory=list)
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    evidence: list[EvidenceItem] = Field(default_factory=list)
    notes: str = ""
    substitute_kpi: SubstituteKPI | None = None
    decided_at: datetime | None = Field(default=None, description="When a human last set or confirmed the status.")
    stale: bool = Field(default=False, description="Met/partial decided longer ago than the revalidation window.")


class AssessmentPublic(BaseModel):
    """What surfaces show: the record with levels, progress and gaps computed by the scoring rule."""

    id: str
    organization: str
    unit: str | None = None
    parent_id: str | None = None
    status: AssessmentStatus
    scope: Scope
    corpus: CorpusRef
    corpus_changed: bool = False
    created_at: datetime
    updated_at: datetime
    version: int
    categories: dict[str, CategoryPublic]
    domains: dict[str, dict[str, Any]]
    overall: dict[str, Any]
    gaps: list[dict[str, Any]]
    results: list[ResultPublic]


def json_schemas() -> dict[str, Any]:
    """The published JSON Schemas of the record's families."""
    return {
        "AssessmentCreate": AssessmentCreate.model_json_schema(),
        "Assessment": Assessment.model_json_schema(),
        "AssessmentPublic": AssessmentPublic.model_json_schema(),
    }
