"""Users: admins create, rotate and remove them; staff list them (to pick a respondent).

A user is their stable id; a path takes the id or the name (any case). Tokens are shown once,
only their hash is stored, and they expire (AISMM_TOKEN_TTL_DAYS unless ``expires_in_days``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from aismm_assistant import users
from aismm_assistant.api.auth import AdminDep, StaffDep, StoreDep, UserDep
from aismm_assistant.errors import PermissionDenied
from aismm_assistant.storage import UserRow
from aismm_assistant.users import USER_NAME_PATTERN, Role

router = APIRouter(prefix="/api/users", tags=["users"])

UserRef = Annotated[str, Path(min_length=1, max_length=64, description="A user id (u-...) or name (any case).")]
ExpiresIn = Field(default=None, ge=1, le=3650, description="Days the token stays valid; default AISMM_TOKEN_TTL_DAYS.")


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=USER_NAME_PATTERN, description="Login name, unique ignoring case.")
    role: Role
    expires_in_days: int | None = ExpiresIn


class TokenRotate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_in_days: int | None = ExpiresIn


def _with_token(row: UserRow, token: str) -> dict:
    return {**users.public(row), "token": token}


@router.get("")
def list_users(user: StaffDep, store: StoreDep,
               role: Annotated[Role | None, Query(description="Only users with this role.")] = None) -> dict:
    """Users and roles (never a token); assessors use ?role=respondent to assign an interview."""
    return {"users": [users.public(u) for u in store.list_users(role)]}


@router.post("", status_code=201)
def add_user(body: UserCreate, user: AdminDep, store: StoreDep) -> dict:
    """Create a user with a new id; the token in the answer is never shown again."""
    row, token = store.add_user(body.name, body.role, body.expires_in_days)
    return _with_token(row, token)


@router.post("/{ref}/rotate")
def rotate_token(ref: UserRef, user: UserDep, store: StoreDep, body: TokenRotate | None = None) -> dict:
    """A new token (shown once) for an admin, or for yourself; the old token stops working at once."""
    target = store.get_user(ref)
    if user.role != "admin" and target.id != user.id:
        raise PermissionDenied(f"role {user.role} can rotate only its own token; an admin rotates others'")
    row, token = store.rotate_token(target.id, body.expires_in_days if body else None)
    return _with_token(row, token)


@router.delete("/{ref}")
def remove_user(ref: UserRef, user: AdminDep, store: StoreDep) -> dict:
    """Remove a user for good: the token dies, and a later user with the same name starts with nothing."""
    row = store.remove_user(ref)
    return {"removed": row.name, "id": row.id}
