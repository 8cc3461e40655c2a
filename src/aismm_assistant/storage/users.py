"""Users: a name, a role and the SHA-256 of a bearer token (the token itself is shown once).

The rules (which roles exist, what a name may look like) are the domain's: aismm_assistant.users.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Row

from aismm_assistant import users as user_rules
from aismm_assistant.assessment.record import utcnow
from aismm_assistant.errors import NotFoundError, ValidationError
from aismm_assistant.storage.db import Database, aware, users_t


class UserRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    role: str
    token_hash: str
    created_at: datetime

    def public(self) -> dict[str, str]:
        return user_rules.public(self)


def _user(row: Row[Any]) -> UserRow:
    data = dict(row._mapping)
    data["created_at"] = aware(data["created_at"])
    return UserRow(**data)


class UserStore(Database):
    """The ``users`` table."""

    def add_user(self, name: str, role: str) -> tuple[UserRow, str]:
        """Create a user and return its token once; only the token's SHA-256 is stored."""
        name = " ".join((name or "").split())
        if not name:
            raise ValidationError("a user needs a name")
        user_rules.check_role(role)
        user_rules.check_name(name)
        token = secrets.token_urlsafe(32)
        row = UserRow(name=name, role=role, token_hash=user_rules.hash_token(token), created_at=utcnow())

        def run() -> None:
            with self.engine.begin() as conn:
                if conn.execute(sa.select(users_t.c.name).where(users_t.c.name == name)).first():
                    raise ValidationError(f"user {name!r} already exists")
                conn.execute(users_t.insert().values(**row.model_dump()))

        self._retry(run)
        return row, token

    def user_by_token(self, token: str) -> UserRow | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users_t).where(users_t.c.token_hash == user_rules.hash_token(token))).first()
        return _user(row) if row else None

    def list_users(self) -> list[UserRow]:
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(sa.select(users_t).order_by(users_t.c.name)).all()]

    def remove_user(self, name: str) -> None:
        def run() -> None:
            with self.engine.begin() as conn:
                if conn.execute(users_t.delete().where(users_t.c.name == name)).rowcount != 1:
                    raise NotFoundError(f"no user {name!r}")

        self._retry(run)
