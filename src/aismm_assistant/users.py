"""Users: the roles, the name rule and the public view, one definition for the store, CLI and API.

Roles (docs/architecture.md, "Users and roles"):

- ``admin``: everything an assessor does, and manages users;
- ``assessor``: creates, reviews and confirms assessments; starts interviews;
- ``respondent``: reads and answers only the interviews assigned to their name.

There is no ``viewer`` role. An earlier store accepted one, but no surface could create it and no
rule gave it a meaning (it fell through to the respondent's rights); a read-only role for leaders
comes back when a surface needs it, with its rule written here.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
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


class UserLike(Protocol):
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
    return name


def is_staff(role: str) -> bool:
    return role in STAFF


def hash_token(token: str) -> str:
    """Only this SHA-256 of a bearer token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def public(user: UserLike | Any) -> dict[str, str]:
    """What `aismm user list --json` and GET /api/users show of a user (never the token hash)."""
    created = getattr(user, "created_at", None)
    return {"name": user.name, "role": user.role, "created_at": str(created or "")}


__all__ = ["ROLES", "STAFF", "ROLE_HELP", "Role", "USER_NAME_PATTERN", "check_name", "check_role", "is_staff",
           "hash_token", "public"]
