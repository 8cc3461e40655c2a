"""Chunk the corpus by meaning: one chunk per field of a control, plus category scopes and level descriptors.

Each chunk carries the metadata that filters and aggregation need, and a content hash that makes
re-indexing incremental (only chunks whose text or metadata changed are embedded again).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from aismm_assistant.model import DEPLOYMENT_TYPES, LEVEL_NAMES, Category, Control, Corpus

CONTROL_FIELDS: tuple[str, ...] = ("objective", "rationale", "description", "evidence", "terms")
DEPLOYMENT_KEYS: dict[str, str] = {"Self-hosted": "dep_self_hosted", "PaaS": "dep_paas", "API/SaaS": "dep_api_saas"}


@dataclass(frozen=True)
class Chunk:
    """A piece of corpus text with the metadata stored beside its vector."""

    id: str
    text: str
    metadata: dict[str, str | int | bool] = field(hash=False)

    @property
    def control_id(self) -> str:
        return str(self.metadata["control_id"])

    @property
    def field(self) -> str:
        return str(self.metadata["field"])

    @property
    def content_hash(self) -> str:
        return str(self.metadata["hash"])


def _hash(text: str, meta: dict) -> str:
    payload = json.dumps([text, meta], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _control_meta(control: Control, fld: str) -> dict[str, str | int | bool]:
    meta: dict[str, str | int | bool] = {
        "control_id": control.id,
        "category": control.category,
        "domain": control.domain,
        "level": control.level,
        "deployment_types": ", ".join(control.deployment_types),
        "mode": control.assessment_mode,
        "field": fld,
    }
    for dep in DEPLOYMENT_TYPES:
        meta[DEPLOYMENT_KEYS[dep]] = control.applies_to([dep])
    return meta


def _category_meta(category: Category, level: int, fld: str) -> dict[str, str | int | bool]:
    meta: dict[str, str | int | bool] = {
        "control_id": "",
        "category": category.id,
        "domain": category.domain,
        "level": level,
        "deployment_types": "All",
        "mode": "",
        "field": fld,
    }
    for dep in DEPLOYMENT_TYPES:
        meta[DEPLOYMENT_KEYS[dep]] = True
    return meta


def control_field_text(control: Control, fld: str) -> str:
    """The raw text of one field (what `ask` quotes as a source)."""
    if fld == "evidence":
        return "; ".join(control.evidence)
    if fld == "terms":
        parts = [control.question or "", control.follow_up or "", ", ".join(control.key_terms)]
        return " ".join(p for p in parts if p)
    if fld == "name":
        return control.name
    return str(getattr(control, fld, "") or "")


def control_chunks(control: Control) -> list[Chunk]:
    """One chunk per non-empty field; the name leads each text so a chunk stands on its own."""
    out: list[Chunk] = []
    for fld in CONTROL_FIELDS:
        body = control_field_text(control, fld)
        if not body.strip():
            continue
        text = f"{control.name}. {body}"
        meta = _control_meta(control, fld)
        meta["hash"] = _hash(text, meta)
        out.append(Chunk(id=f"{control.id}#{fld}", text=text, metadata=meta))
    return out


def category_chunks(category: Category) -> list[Chunk]:
    """The category scope and each level descriptor (the model's main grid)."""
    out: list[Chunk] = []
    if category.scope.strip():
        meta = _category_meta(category, 0, "scope")
        text = f"{category.name}. {category.scope}"
        meta["hash"] = _hash(text, meta)
        out.append(Chunk(id=f"{category.id}#scope", text=text, metadata=meta))
    for level, descriptor in sorted(category.levels.items()):
        meta = _category_meta(category, level, "level")
        text = f"{category.name} L{level} {LEVEL_NAMES.get(level, '')}. {descriptor}"
        meta["hash"] = _hash(text, meta)
        out.append(Chunk(id=f"{category.id}#L{level}", text=text, metadata=meta))
    return out


def corpus_chunks(corpus: Corpus) -> list[Chunk]:
    """Every chunk of the corpus, in corpus order (stable, so BM25 and Chroma agree on positions)."""
    out: list[Chunk] = []
    for category in corpus.categories:
        out.extend(category_chunks(category))
        for control in category.controls:
            out.extend(control_chunks(control))
    return out
