"""User management for admins: tokens are shown once, only their hash is stored."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from aismm_assistant import users
from aismm_assistant.api.auth import AdminDep, StoreDep
from aismm_assistant.api.errors import Conflict
from aismm_assistant.users import USER_NAME_PATTERN, Role

router = APIRouter(prefix="/api/users", tags=["users"])


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=USER_NAME_PATTERN, description="Login name; respondents see interviews assigned to it.")
    role: Role


@router.get("")
def list_users(user: AdminDep, store: StoreDep) -> dict:
    return {"users": [users.public(u) for u in store.list_users()]}


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
