"""User management for admins: tokens are shown once, only their hash is stored."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from aismm_assistant.api.auth import AdminDep, StoreDep
from aismm_assistant.api.errors import Conflict

router = APIRouter(prefix="/api/users", tags=["users"])

USER_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=USER_NAME_PATTERN, description="Login name; respondents see interviews assigned to it.")
    role: Literal["admin", "assessor", "respondent"]


def user_public(row: object) -> dict:
    return {
        "name": row.name,  # type: ignore[attr-defined]
        "role": row.role,  # type: ignore[attr-defined]
        "created_at": str(getattr(row, "created_at", "") or ""),
    }


@router.get("")
def list_users(user: AdminDep, store: StoreDep) -> dict:
    return {"users": [user_public(u) for u in store.list_users()]}


@router.post("", status_code=201)
def add_user(body: UserCreate, user: AdminDep, store: StoreDep) -> dict:
    """Create a user; the token in the answer is never shown again."""
    if any(u.name == body.name for u in store.list_users()):
        raise Conflict(f"user {body.name!r} already exists; choose another name")
    row, token = store.add_user(body.name, body.role)
    return {"name": row.name, "role": row.role, "token": token}


@router.delete("/{name}")
def remove_user(name: str, user: AdminDep, store: StoreDep) -> dict:
    store.remove_user(name)
    return {"removed": name}
