"""Tests that need an outside binary (PostgreSQL, the Chroma server, Chromium) skip on a laptop without
it, and FAIL in CI: with ``CI=true`` a missing binary is a broken CI image, not a reason to skip.
``.ci/run`` installs all three from the project's own files.
"""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def need(available: object, what: str) -> None:
    """Skip (locally) or fail (in CI) when ``available`` is falsy; ``what`` names what is missing."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{what} (CI=true: this test must run; .ci/run installs it)", pytrace=False)
    pytest.skip(what)
