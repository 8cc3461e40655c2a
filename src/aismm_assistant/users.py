"""Users: the roles, the name rule and the public view, one definition for the store, CLI and API.

Roles (docs/architecture.md, "Users and roles"):

- ``admin``: everything an assessor does, and manages users;
- ``assessor``: creates, reviews and confirms assessments; starts interviews;
- ``respondent``: reads and answers only the interviews assigned to them.

Identity (docs/web.md, "Identities and tokens"): a user is their stable ``id`` (``u-`` and 16 hex
digits), never their name. Names are unique case-insensitively; interviews are assigned to the id,
so removing "erin" and creating a new "erin" gives the new one nothing of the old one's. A token
expires (AISMM_TOKEN_TTL_DAYS, default 90) and can be rotated; only its SHA-256 is stored.

There is no ``viewer`` role. An earlier store accepted one, but no surface could create it and no
rule gave it a meaning (it fell through to the respondent's rights); a read-only role for leaders
comes back when a surface needs it, with its rule written here.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from aismm_assistant.errors import ValidationError

Role = Literal["admin", "assessor", "respondent"]
ROLES: tuple[str, ...] = ("admin", "assessor", "respondent")
#: roles that may create, review and confirm assessments (admin can also manage users).
STAFF: frozenset[str] = frozenset({"admin", "assessor"})
ROLE_HELP = "admin (manages users), assessor (creates, reviews, confirms) or respondent (answers assigned interviews)."

#: a login name: respondents see the interviews assigned to it.
USER_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
_NAME = re.compile(USER_NAME_PATTERN)
#: a user id; a name may not look like one, so a path segment is never ambiguous.
_ID = re.compile(r"^u-[0-9a-f]{16}$")


class UserLike(Protocol):
    id: str
    name: str
    role: str
    created_at: datetime


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(f"invalid role {role!r}; use one of {', '.join(ROLES)}")
    return role


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValidationError(f"user name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-'")
    if is_user_id(name):
        raise ValidationError(f"user name {name!r} looks like a user id; choose another name")
    return name


def name_key(name: str) -> str:
    """What makes two names the same user ("Dana" is "dana")."""
    return name.lower()


def new_user_id() -> str:
    return "u-" + uuid.uuid4().hex[:16]


def is_user_id(value: str) -> bool:
    return bool(_ID.match(value or ""))


def new_token() -> str:
    """A bearer token: 256 random bits, shown once."""
    return secrets.token_urlsafe(32)


def token_expiry(now: datetime, days: int | None, default_days: int) -> datetime | None:
    """When a token made ``now`` expires: ``days`` if given (>= 1), else the default (0: never)."""
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or days < 1 or days > 3650:
            raise ValidationError(f"expires in {days!r} days: use a whole number of days from 1 to 3650")
        return now + timedelta(days=days)
    return now + timedelta(days=default_days) if default_days else None


def is_expired(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and expires_at <= now


def is_staff(role: str) -> bool:
    return role in STAFF


def hash_token(token: str) -> str:
    """Only this SHA-256 of a bearer token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def public(user: UserLike | Any) -> dict[str, str | None]:
    """What `aismm user list --json` and GET /api/users show of a user (never the token hash)."""
    created = getattr(user, "created_at", None)
    expires = getattr(user, "expires_at", None)
    return {"id": user.id, "name": user.name, "role": user.role, "created_at": created.isoformat() if created else "",
            "expires_at": expires.isoformat() if expires else None}


__all__ = ["ROLES", "STAFF", "ROLE_HELP", "Role", "USER_NAME_PATTERN", "check_name", "check_role", "is_staff",
           "hash_token", "public", "name_key", "new_user_id", "is_user_id", "new_token", "token_expiry", "is_expired"]
