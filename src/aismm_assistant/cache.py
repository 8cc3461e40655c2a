"""Derived-data cache under AISMM_HOME/cache: the parsed corpus and the lexical index, shared between processes.

Every entry is keyed by a hash of what it was derived from (file bytes, corpus hash, the code that
derives it), so a changed input simply misses; nothing is ever invalidated by hand. Entries are
written atomically and a damaged or unreadable one is ignored and rebuilt. The cache holds nothing
that cannot be rebuilt, so deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

FORMAT = "1"  # bump to orphan every entry written by older code


def cache_dir() -> Path:
    from aismm_assistant.settings import get_settings

    return get_settings().home / "cache"


def code_key(*files: str | Path) -> str:
    """A short hash of source files whose change must invalidate an entry (e.g. the model classes)."""
    h = hashlib.sha256(FORMAT.encode())
    for f in files:
        try:
            h.update(Path(f).read_bytes())
        except OSError:
            h.update(str(f).encode())
    return h.hexdigest()[:12]


def read(name: str) -> Any | None:
    """The cached object, or None when absent, unreadable or written by incompatible code."""
    path = cache_dir() / name
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own derived data in the user's own state folder
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or incompatible entry is a miss, never an error
        return None


def write(name: str, obj: Any, keep: int = 4) -> None:
    """Store atomically; keep the `keep` newest entries sharing the name's prefix (before the first '-')."""
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, directory / name)
        prefix = name.split("-", 1)[0] + "-"
        entries = sorted(directory.glob(prefix + "*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep:]:
            old.unlink(missing_ok=True)
    except OSError:  # a read-only or full home: run without the cache
        try:
            Path(tmp).unlink(missing_ok=True)  # type: ignore[possibly-undefined]
        except (NameError, OSError):
            pass
