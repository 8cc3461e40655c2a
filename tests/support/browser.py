"""What every browser test shares: Debian's Chromium driven by Playwright, a server home with users, sign-in."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from tests.support.ci import need

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and none of the background connections this machine's closed network refuses.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_browser() -> None:
    """Skip locally, fail in CI (tests/support/ci.py), without Chromium or Playwright."""
    need(CHROMIUM.exists(), "needs Debian chromium at /usr/bin/chromium")
    need(importlib.util.find_spec("playwright"), "needs the playwright package (dev extra)")


def launch(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


def login(page: Any, base: str, token: str) -> None:
    page.goto(base + "/")
    page.fill("#token", token)
    page.click("#sign-in")


def home_store(home: Path) -> Any:
    """A new AISMM_HOME folder and the Store of its database (close it before the server starts)."""
    from aismm_assistant.storage import Store

    home.mkdir(parents=True)
    return Store(f"sqlite:///{home / 'aismm.db'}")
