"""Deprecated import path, kept for one release: the store lives in ``aismm_assistant.storage``."""

from __future__ import annotations

from aismm_assistant.assessment.record import new_id
from aismm_assistant.storage import InterviewRow, Store, TurnRow, UserRow, get_store, hash_token, migrate
from aismm_assistant.users import ROLES

__all__ = ["Store", "get_store", "InterviewRow", "TurnRow", "UserRow", "ROLES", "hash_token", "migrate", "new_id"]
