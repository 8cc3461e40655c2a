"""The database: the one table definition, the engine, migrations and retries.

``metadata`` below is the schema. The Alembic revisions in ``storage/migrations/versions`` must
produce exactly it: ``schema_drift()`` compares a migrated database with ``metadata`` (Alembic's
autogenerate comparison) and tests/storage fails on any difference. A schema change is therefore
two edits in one commit: the table here, and a new revision (write it by hand, or generate it with
``python -m aismm_assistant.storage.migrations "message"``, which runs Alembic autogenerate
against a database migrated to head).

SQLite under AISMM_HOME by default (WAL, busy timeout, ``BEGIN IMMEDIATE`` writers), any
SQLAlchemy URL (PostgreSQL) through AISMM_DATABASE_URL. Every write is one transaction.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from aismm_assistant.errors import AismmError

T = TypeVar("T")
MAX_RETRIES = 25
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
    sa.Column("assessment_id", sa.String(64), sa.ForeignKey("assessments.id"), nullable=False, index=True),
    sa.Column("category", sa.String(8), nullable=False),
    sa.Column("respondent", sa.String(200), nullable=True),
    sa.Column("respondent_id", sa.String(40), nullable=True, index=True),
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
    sa.Column("respondent", sa.String(200), nullable=True),
    sa.Column("question", sa.Text, nullable=True),
    sa.Column("question_controls", sa.JSON, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("interview_id", "seq", name="uq_turns_interview_seq"),
)
users_t = sa.Table(
    "users", metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    # "Dana" and "dana" are one user: the lower-cased name is unique (a column, not an expression
    # index, so every backend enforces it and the drift check can see it).
    sa.Column("name_key", sa.String(200), nullable=False, unique=True),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
)



def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


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


def alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (safe when several processes race)."""
    from alembic import command

    cfg = alembic_config()
    head = head_revision()
    for attempt in range(5):
        if current_revision(engine) == head:
            return
        try:
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            return
        except (OperationalError, IntegrityError):  # another process migrated first
            time.sleep(0.05 * (attempt + 1))
    if current_revision(engine) != head:
        raise AismmError(f"could not migrate the database {engine.url.render_as_string(hide_password=True)}")


def schema_drift(engine: Engine, target: sa.MetaData | None = None) -> list[Any]:
    """Differences between the database behind ``engine`` and ``metadata`` ([] when they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), metadata if target is None else target))


def create_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and up-front write locks."""
    is_sqlite = url.startswith("sqlite")
    kwargs: dict[str, Any] = {"future": True}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    try:
        engine = sa.create_engine(url, **kwargs)
    except (sa.exc.ArgumentError, ModuleNotFoundError) as exc:
        raise AismmError(f"AISMM_DATABASE_URL: {exc}") from None
    if is_sqlite:
        _sqlite_setup(engine)
    return engine


class Database:
    """An engine on a migrated database, and the retry loop every write goes through."""

    def __init__(self, url: str | None = None) -> None:
        from aismm_assistant.settings import get_settings

        self.url: str = url or get_settings().resolved_database_url
        self.engine: Engine = create_engine(self.url)
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

    def close(self) -> None:
        self.engine.dispose()
