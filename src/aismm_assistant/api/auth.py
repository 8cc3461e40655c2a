"""Bearer-token auth and role rules.

Tokens are looked up in the store's ``users`` table (only a SHA-256 hash is kept) on every request,
so several workers share one truth and a removed user is locked out at once. A token past its
``expires_at`` gets 401 with the date and what to do; a rotated token is simply unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from aismm_assistant.api.errors import Unauthorized
from aismm_assistant.errors import PermissionDenied
from aismm_assistant.storage import InterviewRow, Store
from aismm_assistant.users import is_staff


@dataclass(frozen=True)
class Principal:
    id: str
    name: str
    role: str

    @property
    def is_staff(self) -> bool:
        return is_staff(self.role)


def get_store(request: Request) -> Store:
    """The app's store, built once per process on first use (the database is the shared state)."""
    store: Store | None = getattr(request.app.state, "store", None)
    if store is None:
        from aismm_assistant.storage import get_store as build_store

        store = build_store(request.app.state.settings.resolved_database_url)
        request.app.state.store = store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("malformed Authorization header: expected 'Bearer <token>'")
    return token.strip()


def current_user(request: Request, store: StoreDep) -> Principal:
    user = store.user_by_token(_bearer(request))
    if user is None:
        raise Unauthorized("unknown or revoked token")
    if user.expired():
        raise Unauthorized(f"token expired on {user.expires_at:%Y-%m-%d %H:%M} UTC; ask an admin for a new one "
                           f"(aismm user rotate {user.name})")
    return Principal(id=user.id, name=user.name, role=user.role)


UserDep = Annotated[Principal, Depends(current_user)]


def staff_user(user: UserDep) -> Principal:
    if not user.is_staff:
        raise PermissionDenied(f"role {user.role} cannot do this; it needs an assessor or admin")
    return user


def admin_user(user: UserDep) -> Principal:
    if user.role != "admin":
        raise PermissionDenied(f"role {user.role} cannot manage users; it needs an admin")
    return user


StaffDep = Annotated[Principal, Depends(staff_user)]
AdminDep = Annotated[Principal, Depends(admin_user)]


def check_interview_access(user: Principal, interview: InterviewRow) -> None:
    """Staff see every interview; a respondent only the ones assigned or handed to their id (never just
    their name: a new user with a deleted user's name starts with nothing)."""
    from aismm_assistant.interview.flow import may_open

    if user.is_staff:
        return
    if not may_open(interview, user.id):
        raise PermissionDenied("this interview is assigned to someone else")
