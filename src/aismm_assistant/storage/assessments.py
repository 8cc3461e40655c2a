"""Assessments: the full record as a JSON document, guarded by a version (compare-and-swap).

Every change goes through ``update_assessment``: read, change, validate, check that history only
grew, write if nobody wrote in between; retried on conflict.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.engine import Connection

from aismm_assistant.assessment import actions
from aismm_assistant.assessment.record import (
    Assessment,
    AssessmentCreate,
    LevelProposal,
    Proposal,
    SubstituteKPI,
    utcnow,
)
from aismm_assistant.errors import AismmError, NotFoundError, ValidationError
from aismm_assistant.model import Corpus
from aismm_assistant.storage.db import MAX_RETRIES, Database, assessments_t


def _validated(record: Assessment) -> Assessment:
    try:
        return Assessment.model_validate(record.model_dump(mode="json"))
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ()))
        raise ValidationError(f"invalid assessment record: {loc}: {first.get('msg')}") from None


def _check_append_only(before: Assessment, after: Assessment) -> None:
    """History lists may only grow: every old entry stays, in place."""
    pairs = [(before.history, after.history, "assessment")]
    for cid, res in before.results.items():
        new_res = after.results.get(cid)
        pairs.append((res.provenance.history, new_res.provenance.history if new_res else [], cid))
    for cid, cat in before.categories.items():
        new_cat = after.categories.get(cid)
        pairs.append((cat.provenance.history, new_cat.provenance.history if new_cat else [], cid))
    for old, new, where in pairs:
        if [c.model_dump() for c in new[: len(old)]] != [c.model_dump() for c in old]:
            raise ValidationError(f"history of {where} is append-only")


def _missing(assessment_id: str) -> NotFoundError:
    return NotFoundError(f"no assessment {assessment_id!r} (see `aismm assessment list`)")


def read_assessment(conn: Connection, assessment_id: str) -> Assessment:
    """The stored record (with its version) inside an open connection or transaction."""
    row = conn.execute(sa.select(assessments_t.c.doc, assessments_t.c.version)
                       .where(assessments_t.c.id == assessment_id)).first()
    if row is None:
        raise _missing(assessment_id)
    record = Assessment.model_validate(row.doc)
    record.version = row.version
    return record


class AssessmentStore(Database):
    """The ``assessments`` table."""

    def create_assessment(self, create: AssessmentCreate, *, corpus: Corpus | None = None) -> Assessment:
        from aismm_assistant.corpus import load_corpus

        return self.insert_assessment(actions.new_assessment(create, corpus or load_corpus()))

    def insert_assessment(self, record: Assessment) -> Assessment:
        """Store a complete record (import); its id must be new."""
        record = _validated(record)
        record.version = 1

        def run() -> Assessment:
            with self.engine.begin() as conn:
                exists = conn.execute(sa.select(assessments_t.c.id).where(assessments_t.c.id == record.id)).first()
                if exists:
                    raise ValidationError(f"assessment {record.id} already exists")
                conn.execute(assessments_t.insert().values(
                    id=record.id, organization=record.organization, status=record.status,
                    created_at=record.created_at, updated_at=record.updated_at, version=record.version,
                    doc=record.model_dump(mode="json")))
            return record

        return self._retry(run)

    def get_assessment(self, assessment_id: str) -> Assessment:
        with self.engine.connect() as conn:
            return read_assessment(conn, assessment_id)

    def list_assessments(self) -> list[Assessment]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(assessments_t.c.doc, assessments_t.c.version)
                                .order_by(assessments_t.c.created_at, assessments_t.c.id)).all()
        out = []
        for row in rows:
            record = Assessment.model_validate(row.doc)
            record.version = row.version
            out.append(record)
        return out

    def update_assessment(self, assessment_id: str, fn: Callable[[Assessment], Any]) -> Assessment:
        """Read-modify-write in one transaction; compare-and-swap on ``version``, retried on conflict."""
        for attempt in range(MAX_RETRIES):
            def run() -> Assessment | None:
                with self.engine.begin() as conn:
                    before = read_assessment(conn, assessment_id)
                    version = before.version
                    record = before.model_copy(deep=True)
                    fn(record)
                    record = _validated(record)
                    _check_append_only(before, record)
                    if record.id != assessment_id:
                        raise ValidationError("an assessment's id cannot change")
                    record.version = version + 1
                    record.updated_at = utcnow()
                    done = conn.execute(
                        assessments_t.update()
                        .where(assessments_t.c.id == assessment_id, assessments_t.c.version == version)
                        .values(organization=record.organization, status=record.status,
                                updated_at=record.updated_at, version=record.version,
                                doc=record.model_dump(mode="json")))
                    return record if done.rowcount == 1 else None

            result = self._retry(run)
            if result is not None:
                return result
            time.sleep(random.uniform(0.002, 0.01) * (attempt + 1))
        raise AismmError(f"assessment {assessment_id} kept changing under us; try again")

    def _apply(self, assessment_id: str, change: Callable[..., Any], *args: Any, **kwargs: Any) -> Assessment:
        from aismm_assistant.corpus import load_corpus

        corpus = load_corpus()
        return self.update_assessment(assessment_id, lambda rec: change(rec, corpus, *args, **kwargs))

    def set_result(self, assessment_id: str, control_id: str, status: str, *, evidence: list[str] | None = None,
                   notes: str | None = None, actor: str, substitute_kpi: SubstituteKPI | None = None) -> Assessment:
        return self._apply(assessment_id, actions.set_result, control_id, status, actor=actor, evidence=evidence,
                           notes=notes, substitute_kpi=substitute_kpi)

    def propose_results(self, assessment_id: str, proposals: list[Proposal], *,
                        level_proposal: LevelProposal | None = None) -> Assessment:
        return self._apply(assessment_id, actions.propose_results, list(proposals), level_proposal)

    def confirm_result(self, assessment_id: str, control_id: str, *, status: str | None = None, actor: str,
                       rationale: str) -> Assessment:
        return self._apply(assessment_id, actions.confirm_result, control_id, status=status, actor=actor,
                           rationale=rationale)

    def confirm_level(self, assessment_id: str, category: str, *, level: int, actor: str, rationale: str,
                      acknowledge_pending: str | None = None) -> Assessment:
        return self._apply(assessment_id, actions.confirm_level, category, level=level, actor=actor,
                           rationale=rationale, acknowledge_pending=acknowledge_pending)

    def exclude_category(self, assessment_id: str, category: str, *, reason: str | None, actor: str,
                         include: bool = False) -> Assessment:
        return self._apply(assessment_id, actions.exclude_category, category, reason=reason, actor=actor,
                           include=include)

    def set_target(self, assessment_id: str, category: str, level: int | str, *, by_date: Any = None,
                   actor: str) -> Assessment:
        return self._apply(assessment_id, actions.set_target, category, level, by_date=by_date, actor=actor)

    def set_status(self, assessment_id: str, status: str, *, actor: str) -> Assessment:
        return self.update_assessment(assessment_id, lambda rec: actions.set_status(rec, status, actor=actor))
