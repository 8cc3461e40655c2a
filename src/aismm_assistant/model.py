"""The AISMM schema: domains, categories with their level descriptors, control objectives.

A control carries every column of the workbook and every field of the details document.
Validation here is structural (IDs, levels, vocabularies); `corpus.py` adds the rules that
span a whole category (1-3 objectives per level, no duplicates).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

DOMAINS: dict[str, tuple[str, ...]] = {
    "Foundational": ("GOV", "ORG", "IAM", "MON"),
    "Structural": ("INF", "MOD", "APP", "DAT"),
    "Procedural": ("RSK", "DEV", "CMP", "IR"),
}
CATEGORY_ORDER: tuple[str, ...] = tuple(p for prefixes in DOMAINS.values() for p in prefixes)
CATEGORY_NAMES: dict[str, str] = {
    "GOV": "Governance",
    "ORG": "Organization Management",
    "IAM": "Identity and Access Management",
    "MON": "Security Monitoring",
    "INF": "Infrastructure Security and Resilience",
    "MOD": "Model Security",
    "APP": "Application Security",
    "DAT": "Data Security",
    "RSK": "Risk & Provider Assessment and Management",
    "DEV": "AI-Supported Development and Supply Chain Security",
    "CMP": "Privacy, Compliance and Audit",
    "IR": "Incident Response",
}
DOMAIN_OF: dict[str, str] = {p: d for d, prefixes in DOMAINS.items() for p in prefixes}
LEVEL_NAMES: dict[int, str] = {1: "Initial", 2: "Repeatable", 3: "Defined", 4: "Capable", 5: "Efficient"}
DEPLOYMENT_TYPES: tuple[str, ...] = ("Self-hosted", "PaaS", "API/SaaS")
ASSESSMENT_MODES: tuple[str, ...] = ("Manual", "Automated", "Either")
AICM_DOMAINS: tuple[str, ...] = (
    "A&A", "AIS", "BCR", "CCC", "CEK", "DCS", "DSP", "GRC", "HRS",
    "IAM", "IPY", "I&S", "LOG", "MDS", "SEF", "STA", "TVM", "UEM",
)
CONTROL_ID_RE = re.compile(r"^(?P<prefix>[A-Z]{2,3})-0(?P<level>[2-5])\.(?P<number>[1-9]\d*)$")
AICM_ID_RE = re.compile(r"^(?P<domain>[A-Z&]{3})-(?P<number>\d{2})$")


def normalize_deployment_type(value: str) -> str:
    """Map spellings found in workbooks ('self hosted', 'SaaS', 'API / SaaS') to the canonical names."""
    key = re.sub(r"[\s_\-/]+", "", value).lower()
    table = {"all": "All", "selfhosted": "Self-hosted", "paas": "PaaS", "apisaas": "API/SaaS",
             "saas": "API/SaaS", "api": "API/SaaS"}
    if key not in table:
        raise ValueError(f"unknown deployment type {value!r} (allowed: All, {', '.join(DEPLOYMENT_TYPES)})")
    return table[key]


class AuthoredMeasure(BaseModel):
    """A measure written by hand in the corpus; values are normalised like the parser's (see criteria.py).

    Durations and ages may be written in minutes..years (stored as hours or days); cadences as
    events "per year", "per release" or as an interval in a duration unit ("every 6 months").
    """

    model_config = ConfigDict(extra="forbid")

    kind: str
    comparator: str
    value: float
    unit: str = ""
    window: str = ""
    population: str = ""

    @model_validator(mode="after")
    def _known(self) -> AuthoredMeasure:
        from aismm_assistant.quantities import (
            COMPARATORS,
            DAYS_PER_UNIT,
            MEASURE_KINDS,
            normalise_duration,
            per_year_from_interval,
            unit_key,
        )

        if self.kind not in MEASURE_KINDS:
            raise ValueError(f"measure kind {self.kind!r} not one of {', '.join(MEASURE_KINDS)}")
        if self.comparator not in COMPARATORS:
            raise ValueError(f"measure comparator {self.comparator!r} not one of {', '.join(COMPARATORS)}")
        if self.value < 0 or self.value != self.value:
            raise ValueError(f"measure value {self.value} must be a non-negative number")
        unit = self.unit.strip()
        if self.kind == "percent":
            if self.value > 100 or unit not in ("", "%"):
                raise ValueError("a percent measure needs a value 0-100 and unit '%'")
            self.unit = "%"
        elif self.kind == "ratio":
            if self.value > 1:
                raise ValueError("a ratio measure needs a fraction 0-1 (3 of 4 -> 0.75)")
        elif self.kind in ("duration", "age"):
            if unit_key(unit) not in DAYS_PER_UNIT:
                raise ValueError(f"a {self.kind} measure needs a time unit (minutes..years), got {unit!r}")
            self.value, self.unit = normalise_duration(self.value, unit)
        elif self.kind == "cadence":
            if unit in ("per year", "per release"):
                pass
            elif unit_key(unit) in DAYS_PER_UNIT and self.value > 0:
                self.value, self.unit = per_year_from_interval(self.value, unit), "per year"
            else:
                raise ValueError(f"a cadence measure needs unit 'per year', 'per release' or an interval unit, got {unit!r}")
        return self


class AuthoredCriterion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=3)
    measure: AuthoredMeasure | None = None


class Control(BaseModel):
    """One control objective (a KPI) with the workbook columns and the details-document fields."""

    model_config = ConfigDict(extra="forbid")

    id: str
    level: int = Field(ge=2, le=5)
    name: str = Field(min_length=3)
    objective: str = Field(min_length=20)
    deployment_types: list[str] = Field(min_length=1)
    assessment_mode: str
    aicm: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    rationale: str = ""
    description: str = ""
    evidence: list[str] = Field(default_factory=list)
    # Interview aids written for this project's corpus (optional; an imported workbook has none).
    question: str | None = None
    follow_up: str | None = None
    key_terms: list[str] = Field(default_factory=list)
    # Hand-written criteria that override the parsed ones (criteria.py); None = parse the objective.
    criteria: list[AuthoredCriterion] | None = Field(default=None, min_length=1, max_length=4)
    # The corpus folder's criteria.yaml (corpus.AuthoredCriteriaFile), consulted by criteria.criteria_for.
    _criteria_file: object = PrivateAttr(default=None)

    @property
    def category(self) -> str:
        return self.id.split("-", 1)[0]

    @property
    def domain(self) -> str:
        return DOMAIN_OF[self.category]

    @property
    def number(self) -> int:
        return int(self.id.rsplit(".", 1)[1])

    @field_validator("id")
    @classmethod
    def _id_format(cls, v: str) -> str:
        m = CONTROL_ID_RE.match(v)
        if not m:
            raise ValueError(f"control ID {v!r} is not PREFIX-0L.N with L in 2..5 (e.g. MOD-03.1)")
        if m["prefix"] not in DOMAIN_OF:
            raise ValueError(f"control ID {v!r} has unknown category prefix {m['prefix']!r}")
        return v

    @field_validator("deployment_types")
    @classmethod
    def _deployments(cls, v: list[str]) -> list[str]:
        out = [normalize_deployment_type(x) for x in v]
        if "All" in out and len(out) > 1:
            raise ValueError("deployment types: 'All' cannot be combined with other types")
        if len(set(out)) != len(out):
            raise ValueError("deployment types: duplicates")
        if set(out) == set(DEPLOYMENT_TYPES):
            return ["All"]
        return out

    @field_validator("assessment_mode")
    @classmethod
    def _mode(cls, v: str) -> str:
        for mode in ASSESSMENT_MODES:
            if v.strip().lower() == mode.lower():
                return mode
        raise ValueError(f"assessment mode {v!r} not one of {', '.join(ASSESSMENT_MODES)}")

    @field_validator("aicm")
    @classmethod
    def _aicm(cls, v: list[str]) -> list[str]:
        for aid in v:
            m = AICM_ID_RE.match(aid)
            if not m or m["domain"] not in AICM_DOMAINS:
                raise ValueError(f"AICM ID {aid!r} is not one of the 18 AICM domains followed by -NN")
        return v

    @model_validator(mode="after")
    def _level_matches_id(self) -> Control:
        id_level = int(CONTROL_ID_RE.match(self.id)["level"])  # type: ignore[index]
        if id_level != self.level:
            raise ValueError(f"control {self.id} is declared at level {self.level} but its ID says L{id_level}")
        return self

    def applies_to(self, scope: Iterable[str] | None) -> bool:
        """Whether the objective applies to an organisation using these deployment types (None = all)."""
        if scope is None:
            return True
        scope_set = {normalize_deployment_type(s) for s in scope}
        if not scope_set or "All" in scope_set or "All" in self.deployment_types:
            return True
        return bool(scope_set & set(self.deployment_types))

    def public(self) -> dict:
        """The lookup contract (DESIGN.md §4)."""
        return {
            "id": self.id,
            "category": self.category,
            "domain": self.domain,
            "level": self.level,
            "name": self.name,
            "objective": self.objective,
            "deployment_types": list(self.deployment_types),
            "assessment_mode": self.assessment_mode,
            "aicm": list(self.aicm),
            "references": list(self.references),
            "rationale": self.rationale,
            "description": self.description,
            "evidence": list(self.evidence),
        }


class Category(BaseModel):
    """A category: scope text, one descriptor per level (the main grid), and its objectives."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    domain: str
    scope: str = ""
    levels: dict[int, str] = Field(default_factory=dict)
    owner_role: str = ""
    controls: list[Control] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in DOMAIN_OF:
            raise ValueError(f"unknown category {v!r} (known: {', '.join(CATEGORY_ORDER)})")
        return v

    @model_validator(mode="after")
    def _domain_matches(self) -> Category:
        if DOMAIN_OF[self.id] != self.domain:
            raise ValueError(f"category {self.id} belongs to the {DOMAIN_OF[self.id]} domain, not {self.domain!r}")
        bad = [lv for lv in self.levels if lv not in LEVEL_NAMES]
        if bad:
            raise ValueError(f"category {self.id}: level descriptors must be for levels 1-5, got {bad}")
        return self

    def controls_at(self, level: int) -> list[Control]:
        return [c for c in self.controls if c.level == level]


class CorpusMeta(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    version: str
    representative: bool = True
    source: str = ""
    license: str = ""
    notice: str = ""
    # True only for a corpus imported from the official CSA files (None: decide from the other fields).
    official: bool | None = None
    aicm_version: str = ""


class Corpus(BaseModel):
    """The whole model: metadata, twelve categories in domain order, a content hash."""

    meta: CorpusMeta
    categories: list[Category]
    content_hash: str = ""
    # Optional data beside the categories (corpus/crosswalks/*.yaml, corpus/dependencies.yaml).
    crosswalks: dict[str, Any] = Field(default_factory=dict)
    prerequisites: list[Any] = Field(default_factory=list)

    def model_post_init(self, __context: object) -> None:
        self._by_id = {c.id: c for cat in self.categories for c in cat.controls}
        self._cats = {cat.id: cat for cat in self.categories}

    @property
    def controls(self) -> list[Control]:
        return [c for cat in self.categories for c in cat.controls]

    def control(self, control_id: str) -> Control | None:
        return self._by_id.get(control_id)

    def category(self, category_id: str) -> Category | None:
        return self._cats.get(category_id.upper())

    def control_ids(self) -> list[str]:
        return list(self._by_id)
