"""Users get a stable id, case-insensitively unique names and a token expiry; interviews point at the id.

Existing users keep their tokens; each gets an id and a token that expires one default lifetime
(AISMM_TOKEN_TTL_DAYS, 90) after the upgrade. Names that differ only in case ("Dana", "dana") were
two users before: the older keeps the name, the later ones get "-2", "-3"... appended (their tokens
still work). Interviews assigned by name are linked to the id of the user who had that exact name.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _users_table() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    )


def _ttl_days() -> int:
    from aismm_assistant.settings import get_settings

    return get_settings().token_ttl_days


def upgrade() -> None:
    from aismm_assistant.users import new_user_id

    conn = op.get_bind()
    old = sa.table("users", sa.column("name", sa.String), sa.column("role", sa.String),
                   sa.column("token_hash", sa.String), sa.column("created_at", sa.DateTime(timezone=True)))
    rows = [dict(r._mapping) for r in conn.execute(sa.select(old).order_by(old.c.created_at, old.c.name))]
    op.drop_table("users")
    _users_table()

    ttl = _ttl_days()
    expires = datetime.now(UTC) + timedelta(days=ttl) if ttl else None
    taken: set[str] = set()
    id_by_name: dict[str, str] = {}
    new_rows = []
    for row in rows:
        name, n = row["name"], 1
        while name.lower() in taken:
            n += 1
            name = f"{row['name']}-{n}"
        taken.add(name.lower())
        uid = new_user_id()
        id_by_name[row["name"]] = uid
        new_rows.append({**row, "id": uid, "name": name, "name_key": name.lower(), "expires_at": expires})
    users = sa.table("users", *(sa.column(c, sa.String) for c in ("id", "name", "name_key", "role", "token_hash")),
                     sa.column("created_at", sa.DateTime(timezone=True)), sa.column("expires_at", sa.DateTime(timezone=True)))
    if new_rows:
        conn.execute(users.insert(), new_rows)

    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("respondent_id", sa.String(40), nullable=True))
        batch.create_index("ix_interviews_respondent_id", ["respondent_id"])
    interviews = sa.table("interviews", sa.column("respondent", sa.String), sa.column("respondent_id", sa.String))
    for name, uid in id_by_name.items():
        conn.execute(interviews.update().where(interviews.c.respondent == name).values(respondent_id=uid))


def downgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.drop_index("ix_interviews_respondent_id")
        batch.drop_column("respondent_id")
    conn = op.get_bind()
    new = sa.table("users", sa.column("name", sa.String), sa.column("role", sa.String),
                   sa.column("token_hash", sa.String), sa.column("created_at", sa.DateTime(timezone=True)))
    rows = [dict(r._mapping) for r in conn.execute(sa.select(new))]
    op.drop_table("users")
    op.create_table(
        "users",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    if rows:
        conn.execute(new.insert(), rows)
