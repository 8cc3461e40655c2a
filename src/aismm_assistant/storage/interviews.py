"""Interviews and their turns: a turn is stored (with the next ``seq``) before it is analysed.

An interview is assigned to a user's stable id (``respondent_id``; ``respondent`` is the name shown).
A turn records the question it answers, decided in the transaction that appends it: the interview
row is locked first (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: ``SELECT ... FOR UPDATE``), so
simultaneous answers, in any number of workers, each answer a different, correctly ordered question.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from aismm_assistant.assessment import actions
from aismm_assistant.assessment.record import utcnow
from aismm_assistant.errors import AismmError, NotFoundError, ValidationError
from aismm_assistant.storage.assessments import read_assessment
from aismm_assistant.storage.db import MAX_RETRIES, Database, aware, interviews_t, turns_t


class InterviewRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    assessment_id: str
    category: str
    respondent: str | None
    respondent_id: str | None = None
    status: str
    state: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    def public(self) -> dict[str, Any]:
        """The interview as the API lists it (no engine state)."""
        return {
            "id": self.id,
            "assessment_id": self.assessment_id,
            "category": self.category,
            "respondent": self.respondent,
            "respondent_id": self.respondent_id,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


class TurnRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    interview_id: str
    seq: int
    respondent: str | None
    question: str | None
    question_controls: list[str]
    answer: str
    created_at: datetime


#: (interview, its turns so far) -> (question text, its control ids) for the turn being appended.
QuestionFor = Callable[[InterviewRow, list[TurnRow]], tuple[str | None, list[str]]]


def _turns(conn: Connection, interview_id: str) -> list[TurnRow]:
    rows = conn.execute(sa.select(turns_t).where(turns_t.c.interview_id == interview_id).order_by(turns_t.c.seq)).all()
    out = []
    for r in rows:
        data = dict(r._mapping)
        data["created_at"] = aware(data["created_at"])
        out.append(TurnRow(**data))
    return out


def _interview(row: Row[Any]) -> InterviewRow:
    data = dict(row._mapping)
    data["created_at"], data["updated_at"] = aware(data["created_at"]), aware(data["updated_at"])
    return InterviewRow(**data)


class InterviewStore(Database):
    """The ``interviews`` and ``turns`` tables."""

    def create_interview(self, assessment_id: str, category: str, respondent: str | None = None,
                         respondent_id: str | None = None) -> InterviewRow:
        """Open an interview; ``respondent_id`` (a user's id) decides who may answer, ``respondent`` is shown."""
        from aismm_assistant.corpus import load_corpus

        with self.engine.connect() as conn:
            record = read_assessment(conn, assessment_id)
        cid = actions.resolve_category(record, load_corpus(), category)
        now = utcnow()
        row = InterviewRow(id="int-" + uuid.uuid4().hex[:12], assessment_id=assessment_id, category=cid,
                           respondent=respondent, respondent_id=respondent_id, status="active", state={}, created_at=now, updated_at=now)

        def run() -> InterviewRow:
            with self.engine.begin() as conn:
                conn.execute(interviews_t.insert().values(**row.model_dump()))
            return row

        return self._retry(run)

    def get_interview(self, interview_id: str) -> InterviewRow:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(interviews_t).where(interviews_t.c.id == interview_id)).first()
        if row is None:
            raise NotFoundError(f"no interview {interview_id!r}")
        return _interview(row)

    def list_interviews(self, assessment_id: str | None = None) -> list[InterviewRow]:
        query = sa.select(interviews_t).order_by(interviews_t.c.created_at, interviews_t.c.id)
        if assessment_id is not None:
            query = query.where(interviews_t.c.assessment_id == assessment_id)
        with self.engine.connect() as conn:
            return [_interview(r) for r in conn.execute(query).all()]

    def append_turn(self, interview_id: str, *, respondent: str | None, answer: str, question: str | None = None,
                    question_controls: list[str] | None = None, question_for: QuestionFor | None = None,
                    clear_redo: bool = False) -> TurnRow:
        """Store one answer with the next seq (0, 1, ...) and the question it answers.

        With ``question_for`` the question is decided inside the transaction, from the turns stored
        before this one, while the interview row is locked: concurrent callers each get their own seq
        and the question that was pending at that seq. ``clear_redo`` drops a pending "go back" in
        the same commit.
        """
        if not isinstance(answer, str) or not answer.strip():
            raise ValidationError("an answer must be non-empty text")

        def run() -> TurnRow:
            with self.engine.begin() as conn:
                found = conn.execute(sa.select(interviews_t).where(interviews_t.c.id == interview_id)
                                     .with_for_update()).first()
                if found is None:
                    raise NotFoundError(f"no interview {interview_id!r}")
                text, controls = question, list(question_controls or [])
                turns: list[TurnRow] = []
                if question_for is not None:
                    interview = _interview(found)
                    if interview.status == "done":
                        raise ValidationError(f"interview {interview_id} is finished; start a new one to add answers")
                    turns = _turns(conn, interview_id)
                    text, controls = question_for(interview, turns)
                    seq = len(turns)
                else:
                    seq = conn.execute(sa.select(sa.func.coalesce(sa.func.max(turns_t.c.seq) + 1, 0))
                                       .where(turns_t.c.interview_id == interview_id)).scalar_one()
                now = utcnow()
                values = dict(interview_id=interview_id, seq=seq, respondent=respondent, question=text,
                              question_controls=list(controls or []), answer=answer, created_at=now)
                turn_id = conn.execute(turns_t.insert().values(**values)).inserted_primary_key[0]
                changes: dict[str, Any] = {"updated_at": now}
                if clear_redo and (found.state or {}).get("redo"):
                    changes["state"] = {**found.state, "redo": None}
                conn.execute(interviews_t.update().where(interviews_t.c.id == interview_id).values(**changes))
            return TurnRow(id=turn_id, **values)

        for attempt in range(MAX_RETRIES):
            try:
                return self._retry(run)
            except IntegrityError:  # another writer took this seq first (a backend without row locks)
                time.sleep(random.uniform(0.002, 0.01) * (attempt + 1))
        raise AismmError(f"could not store the answer for interview {interview_id}; try again")

    def list_turns(self, interview_id: str) -> list[TurnRow]:
        with self.engine.connect() as conn:
            return _turns(conn, interview_id)

    def save_interview_state(self, interview_id: str, state: dict[str, Any], status: str | None = None) -> None:
        values: dict[str, Any] = {"state": state, "updated_at": utcnow()}
        if status is not None:
            values["status"] = status

        def run() -> None:
            with self.engine.begin() as conn:
                done = conn.execute(interviews_t.update().where(interviews_t.c.id == interview_id).values(**values))
                if done.rowcount != 1:
                    raise NotFoundError(f"no interview {interview_id!r}")

        self._retry(run)
