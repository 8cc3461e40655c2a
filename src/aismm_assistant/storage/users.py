"""Users: a stable id, a name, a role and the SHA-256 of an expiring bearer token (shown once).

The rules (which roles exist, what a name may look like, ids, expiry) are the domain's:
aismm_assistant.users. A user is referred to by id or by name (case-insensitive).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from aismm_assistant import users as user_rules
from aismm_assistant.assessment.record import utcnow
from aismm_assistant.errors import AlreadyExists, NotFoundError, ValidationError
from aismm_assistant.storage.db import Database, aware, users_t


class UserRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    name_key: str
    role: str
    token_hash: str
    created_at: datetime
    expires_at: datetime | None = None

    def public(self) -> dict[str, str | None]:
        return user_rules.public(self)

    def expired(self, now: datetime | None = None) -> bool:
        return user_rules.is_expired(self.expires_at, now or utcnow())


def _user(row: Row[Any]) -> UserRow:
    data = dict(row._mapping)
    data["created_at"] = aware(data["created_at"])
    data["expires_at"] = aware(data["expires_at"]) if data["expires_at"] else None
    return UserRow(**data)


def _find(conn: Connection, ref: str) -> Row[Any] | None:
    """The user with id ``ref``, else with name ``ref`` in any case."""
    if user_rules.is_user_id(ref):
        return conn.execute(sa.select(users_t).where(users_t.c.id == ref)).first()
    return conn.execute(sa.select(users_t).where(users_t.c.name_key == user_rules.name_key(ref or ""))).first()


def _default_ttl() -> int:
    from aismm_assistant.settings import get_settings

    return get_settings().token_ttl_days


class UserStore(Database):
    """The ``users`` table."""

    def add_user(self, name: str, role: str, expires_in_days: int | None = None) -> tuple[UserRow, str]:
        """Create a user with a new id and return its token once; only the token's SHA-256 is stored."""
        name = " ".join((name or "").split())
        if not name:
            raise ValidationError("a user needs a name")
        user_rules.check_role(role)
        user_rules.check_name(name)
        now = utcnow()
        expires = user_rules.token_expiry(now, expires_in_days, _default_ttl())
        token = user_rules.new_token()
        row = UserRow(id=user_rules.new_user_id(), name=name, name_key=user_rules.name_key(name), role=role, token_hash=user_rules.hash_token(token),
                      created_at=now, expires_at=expires)

        def run() -> None:
            with self.engine.begin() as conn:
                found = _find(conn, name)
                if found is not None:
                    raise AlreadyExists(f"user {name!r} already exists (as {found.name!r}); names ignore case; choose another name")
                conn.execute(users_t.insert().values(**row.model_dump()))

        try:
            self._retry(run)
        except IntegrityError:  # another process created the same name between the check and the insert
            raise AlreadyExists(f"user {name!r} already exists; names ignore case; choose another name") from None
        return row, token

    def get_user(self, ref: str) -> UserRow:
        """The user with this id, or this name in any case."""
        with self.engine.connect() as conn:
            row = _find(conn, ref)
        if row is None:
            raise NotFoundError(f"no user {ref!r}; see `aismm user list`")
        return _user(row)

    def user_by_token(self, token: str) -> UserRow | None:
        """The token's user, expired or not (the caller decides what an expired token may do)."""
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users_t).where(users_t.c.token_hash == user_rules.hash_token(token))).first()
        return _user(row) if row else None

    def list_users(self, role: str | None = None) -> list[UserRow]:
        query = sa.select(users_t).order_by(users_t.c.name_key)
        if role is not None:
            query = query.where(users_t.c.role == user_rules.check_role(role))
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(query).all()]

    def rotate_token(self, ref: str, expires_in_days: int | None = None) -> tuple[UserRow, str]:
        """Give the user a new token (returned once); the old one stops working in the same commit."""
        now = utcnow()
        expires = user_rules.token_expiry(now, expires_in_days, _default_ttl())
        token = user_rules.new_token()

        def run() -> UserRow:
            with self.engine.begin() as conn:
                found = _find(conn, ref)
                if found is None:
                    raise NotFoundError(f"no user {ref!r}; see `aismm user list`")
                conn.execute(users_t.update().where(users_t.c.id == found.id)
                             .values(token_hash=user_rules.hash_token(token), expires_at=expires))
                return _user(conn.execute(sa.select(users_t).where(users_t.c.id == found.id)).one())

        return self._retry(run), token

    def remove_user(self, ref: str) -> UserRow:
        """Delete the user for good: the token dies, and their id is never given to anyone else."""

        def run() -> UserRow:
            with self.engine.begin() as conn:
                found = _find(conn, ref)
                if found is None:
                    raise NotFoundError(f"no user {ref!r}")
                conn.execute(users_t.delete().where(users_t.c.id == found.id))
                return _user(found)

        return self._retry(run)
