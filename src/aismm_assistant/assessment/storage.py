"""The store: assessments, interviews, turns and users in one SQL database (docs/architecture.md).

SQLite under AISMM_HOME by default (WAL, busy timeout, ``BEGIN IMMEDIATE`` writers), any
SQLAlchemy URL (PostgreSQL) through AISMM_DATABASE_URL. Alembic migrations run on first use.
Every write is one transaction: an exception inside leaves the previous state.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from aismm_assistant.assessment import actions
from aismm_assistant.assessment.record import (
    Assessment,
    AssessmentCreate,
    LevelProposal,
    Proposal,
    SubstituteKPI,
    new_id,
    utcnow,
)
from aismm_assistant.errors import AismmError, NotFoundError, ValidationError

T = TypeVar("T")
MAX_RETRIES = 25
ROLES: tuple[str, ...] = ("admin", "assessor", "respondent", "viewer")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

metadata = sa.MetaData()
assessments_t = sa.Table(
    "assessments", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("organization", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("doc", sa.JSON, nullable=False),
)
interviews_t = sa.Table(
    "interviews", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("assessment_id", sa.String(64), sa.ForeignKey("assessments.id"), nullable=False),
    sa.Column("category", sa.String(8), nullable=False),
    sa.Column("respondent", sa.String(200)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("state", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
turns_t = sa.Table(
    "turns", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("interview_id", sa.String(64), sa.ForeignKey("interviews.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("respondent", sa.String(200)),
    sa.Column("question", sa.Text),
    sa.Column("question_controls", sa.JSON, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
users_t = sa.Table(
    "users", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class InterviewRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    assessment_id: str
    category: str
    respondent: str | None
    status: str
    state: dict[str, Any]
    created_at: datetime
    updated_at: datetime


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


class UserRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    role: str
    token_hash: str
    created_at: datetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _sqlite_setup(engine: Engine) -> None:
    """WAL + busy timeout, and writers that take the lock up front (no deadlock-prone upgrades)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (safe when several processes race)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    for attempt in range(5):
        with engine.connect() as conn:
            if MigrationContext.configure(conn).get_current_revision() == head:
                return
        try:
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            return
        except (OperationalError, IntegrityError):  # another process migrated first
            time.sleep(0.05 * (attempt + 1))
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() != head:
            raise AismmError(f"could not migrate the database {engine.url.render_as_string(hide_password=True)}")


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
        new = after.results.get(cid)
        pairs.append((res.provenance.history, new.provenance.history if new else [], cid))
    for cid, cat in before.categories.items():
        new_cat = after.categories.get(cid)
        pairs.append((cat.provenance.history, new_cat.provenance.history if new_cat else [], cid))
    for old, new, where in pairs:
        if [c.model_dump() for c in new[: len(old)]] != [c.model_dump() for c in old]:
            raise ValidationError(f"history of {where} is append-only")


class Store:
    """All persistent state; safe for several threads and processes."""

    def __init__(self, url: str | None = None) -> None:
        from aismm_assistant.settings import get_settings

        self.url = url or get_settings().resolved_database_url
        is_sqlite = self.url.startswith("sqlite")
        kwargs: dict[str, Any] = {"future": True}
        if is_sqlite:
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        try:
            self.engine = sa.create_engine(self.url, **kwargs)
        except (sa.exc.ArgumentError, ModuleNotFoundError) as exc:
            raise AismmError(f"AISMM_DATABASE_URL: {exc}") from None
        if is_sqlite:
            _sqlite_setup(self.engine)
        migrate(self.engine)

    def _retry(self, fn: Callable[[], T]) -> T:
        for attempt in range(MAX_RETRIES):
            try:
                return fn()
            except OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) and "serializ" not in str(exc):
                    raise
            time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))
        raise AismmError("the database stayed busy; try again")

    # ------------------------------------------------------------ assessments

    def create_assessment(self, create: AssessmentCreate, *, corpus: Any = None) -> Assessment:
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
            row = conn.execute(sa.select(assessments_t.c.doc, assessments_t.c.version)
                               .where(assessments_t.c.id == assessment_id)).first()
        if row is None:
            raise NotFoundError(f"no assessment {assessment_id!r} (see `aismm assessment list`)")
        record = Assessment.model_validate(row.doc)
        record.version = row.version
        return record

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
                    row = conn.execute(sa.select(assessments_t.c.doc, assessments_t.c.version)
                                       .where(assessments_t.c.id == assessment_id)).first()
                    if row is None:
                        raise NotFoundError(f"no assessment {assessment_id!r} (see `aismm assessment list`)")
                    before = Assessment.model_validate(row.doc)
                    record = before.model_copy(deep=True)
                    fn(record)
                    record = _validated(record)
                    _check_append_only(before, record)
                    if record.id != assessment_id:
                        raise ValidationError("an assessment's id cannot change")
                    record.version = row.version + 1
                    record.updated_at = utcnow()
                    done = conn.execute(
                        assessments_t.update()
                        .where(assessments_t.c.id == assessment_id, assessments_t.c.version == row.version)
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

    def set_target(self, assessment_id: str, category: str, level: int, *, by_date: Any = None,
                   actor: str) -> Assessment:
        return self._apply(assessment_id, actions.set_target, category, level, by_date=by_date, actor=actor)

    def set_status(self, assessment_id: str, status: str, *, actor: str) -> Assessment:
        return self.update_assessment(assessment_id, lambda rec: actions.set_status(rec, status, actor=actor))

    # ------------------------------------------------------------ interviews and turns

    def create_interview(self, assessment_id: str, category: str, respondent: str | None = None) -> InterviewRow:
        record = self.get_assessment(assessment_id)
        from aismm_assistant.corpus import load_corpus

        cid = actions.resolve_category(record, load_corpus(), category)
        now = utcnow()
        row = InterviewRow(id="int-" + uuid.uuid4().hex[:12], assessment_id=assessment_id, category=cid,
                           respondent=respondent, status="active", state={}, created_at=now, updated_at=now)

        def run() -> InterviewRow:
            with self.engine.begin() as conn:
                conn.execute(interviews_t.insert().values(**row.model_dump()))
            return row

        return self._retry(run)

    @staticmethod
    def _interview(row: Any) -> InterviewRow:
        data = dict(row._mapping)
        data["created_at"], data["updated_at"] = _aware(data["created_at"]), _aware(data["updated_at"])
        return InterviewRow(**data)

    def get_interview(self, interview_id: str) -> InterviewRow:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(interviews_t).where(interviews_t.c.id == interview_id)).first()
        if row is None:
            raise NotFoundError(f"no interview {interview_id!r}")
        return self._interview(row)

    def list_interviews(self, assessment_id: str | None = None) -> list[InterviewRow]:
        query = sa.select(interviews_t).order_by(interviews_t.c.created_at, interviews_t.c.id)
        if assessment_id is not None:
            query = query.where(interviews_t.c.assessment_id == assessment_id)
        with self.engine.connect() as conn:
            return [self._interview(r) for r in conn.execute(query).all()]

    def append_turn(self, interview_id: str, *, respondent: str | None, question: str | None,
                    question_controls: list[str] | None, answer: str) -> TurnRow:
        """Store one answer with the next seq (0, 1, ...); concurrent callers each get their own seq."""
        if not isinstance(answer, str) or not answer.strip():
            raise ValidationError("an answer must be non-empty text")

        def run() -> TurnRow:
            with self.engine.begin() as conn:
                if conn.execute(sa.select(interviews_t.c.id).where(interviews_t.c.id == interview_id)).first() is None:
                    raise NotFoundError(f"no interview {interview_id!r}")
                seq = conn.execute(sa.select(sa.func.coalesce(sa.func.max(turns_t.c.seq) + 1, 0))
                                   .where(turns_t.c.interview_id == interview_id)).scalar_one()
                now = utcnow()
                values = dict(interview_id=interview_id, seq=seq, respondent=respondent, question=question,
                              question_controls=list(question_controls or []), answer=answer, created_at=now)
                new_id_ = conn.execute(turns_t.insert().values(**values)).inserted_primary_key[0]
                conn.execute(interviews_t.update().where(interviews_t.c.id == interview_id).values(updated_at=now))
            return TurnRow(id=new_id_, **values)

        for attempt in range(MAX_RETRIES):
            try:
                return self._retry(run)
            except IntegrityError:  # another writer took this seq first (non-SQLite backends)
                time.sleep(random.uniform(0.002, 0.01) * (attempt + 1))
        raise AismmError(f"could not store the answer for interview {interview_id}; try again")

    def list_turns(self, interview_id: str) -> list[TurnRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(turns_t).where(turns_t.c.interview_id == interview_id)
                                .order_by(turns_t.c.seq)).all()
        out = []
        for r in rows:
            data = dict(r._mapping)
            data["created_at"] = _aware(data["created_at"])
            out.append(TurnRow(**data))
        return out

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

    # ------------------------------------------------------------ users

    def add_user(self, name: str, role: str) -> tuple[UserRow, str]:
        """Create a user and return its token once; only the token's SHA-256 is stored."""
        name = " ".join((name or "").split())
        if not name:
            raise ValidationError("a user needs a name")
        if role not in ROLES:
            raise ValidationError(f"invalid role {role!r}; use one of {', '.join(ROLES)}")
        token = secrets.token_urlsafe(32)
        row = UserRow(name=name, role=role, token_hash=hash_token(token), created_at=utcnow())

        def run() -> None:
            with self.engine.begin() as conn:
                if conn.execute(sa.select(users_t.c.name).where(users_t.c.name == name)).first():
                    raise ValidationError(f"user {name!r} already exists")
                conn.execute(users_t.insert().values(**row.model_dump()))

        self._retry(run)
        return row, token

    @staticmethod
    def _user(row: Any) -> UserRow:
        data = dict(row._mapping)
        data["created_at"] = _aware(data["created_at"])
        return UserRow(**data)

    def user_by_token(self, token: str) -> UserRow | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users_t).where(users_t.c.token_hash == hash_token(token))).first()
        return self._user(row) if row else None

    def list_users(self) -> list[UserRow]:
        with self.engine.connect() as conn:
            return [self._user(r) for r in conn.execute(sa.select(users_t).order_by(users_t.c.name)).all()]

    def remove_user(self, name: str) -> None:
        def run() -> None:
            with self.engine.begin() as conn:
                if conn.execute(users_t.delete().where(users_t.c.name == name)).rowcount != 1:
                    raise NotFoundError(f"no user {name!r}")

        self._retry(run)

    def close(self) -> None:
        self.engine.dispose()


_stores: dict[str, Store] = {}


def get_store(url: str | None = None) -> Store:
    """The store for ``url`` (default: settings), built once per process and URL."""
    from aismm_assistant.settings import get_settings

    key = url or get_settings().resolved_database_url
    if key not in _stores:
        while len(_stores) >= 8:  # tests open one per AISMM_HOME: release the oldest pools
            _stores.pop(next(iter(_stores))).close()
        _stores[key] = Store(key)
    return _stores[key]


__all__ = ["Store", "get_store", "InterviewRow", "TurnRow", "UserRow", "ROLES", "hash_token", "migrate", "new_id"]
