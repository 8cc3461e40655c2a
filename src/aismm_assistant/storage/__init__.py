"""The store: assessments, interviews, turns and users in one SQL database (docs/architecture.md).

One module per noun: ``db`` (the tables, the engine, migrations), ``assessments``, ``interviews``,
``users``. ``Store`` is all of them on one engine; ``get_store()`` builds one per process and URL.
"""

from __future__ import annotations

from aismm_assistant.storage.assessments import AssessmentStore
from aismm_assistant.storage.db import Database, metadata, migrate, schema_drift
from aismm_assistant.storage.interviews import InterviewRow, InterviewStore, TurnRow
from aismm_assistant.storage.users import UserRow, UserStore
from aismm_assistant.users import hash_token


class Store(AssessmentStore, InterviewStore, UserStore):
    """All persistent state; safe for several threads and processes."""


_stores: dict[str, Store] = {}


def get_store(url: str | None = None) -> Store:
    """The store for ``url`` (default: settings), built once per process and URL."""
    from aismm_assistant.settings import get_settings

    key = url or get_settings().resolved_database_url
    if key not in _stores:
        while len(_stores) >= 8:  # tests open one per AISMM_HOME: release the oldest pools
            _stores.pop(next(iter(_stores))).close()
        _stores[key] = Store(key)
    return _stores[key]


__all__ = ["Store", "get_store", "Database", "InterviewRow", "TurnRow", "UserRow", "hash_token", "metadata",
           "migrate", "schema_drift"]
