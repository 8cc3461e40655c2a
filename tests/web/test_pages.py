"""The pages: served by the app, self-contained (no CDN), strict CSP, user text never parsed as HTML."""

from __future__ import annotations

import re

import pytest

from tests.support import PROJECT
from tests.support.api import Api, api_fixture  # noqa: F401 - registers the "api" fixture

WEB = PROJECT / "web"
PAGES = {"/": "Sign in", "/interview": "Interview", "/assessment": "Assessment", "/dashboard": "Dashboard",
         "/lookup": "Lookup"}


@pytest.mark.parametrize("path, title", PAGES.items())
def test_each_page_is_served_with_a_strict_csp(api: Api, path: str, title: str) -> None:
    resp = api.get(path)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert f"<title>{title}" in resp.text
    csp = resp.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    for asset in re.findall(r'(?:src|href)="(/assets/[^"]+)"', resp.text):
        assert api.get(asset).status_code == 200, asset


def test_assets_and_unknown_paths(api: Api) -> None:
    js = api.get("/assets/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    missing = api.get("/assets/nope.js")
    assert missing.status_code == 404 and missing.json() == {"error": "Not Found"}
    assert api.get("/api/nope").status_code == 404


def test_no_outside_resources_inline_scripts_or_inner_html() -> None:
    files = sorted(p for p in WEB.rglob("*") if p.suffix in {".html", ".js", ".css"})
    assert {p.name for p in files} >= {"index.html", "interview.html", "assessment.html", "dashboard.html",
                                       "lookup.html", "app.js", "app.css"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", text), f"{path.name} loads something from outside"
        assert "@import" not in text and "url(http" not in text, path.name
        assert "innerHTML" not in text and "outerHTML" not in text and "insertAdjacentHTML" not in text, path.name
        assert "document.write" not in text and "eval(" not in text, path.name
        if path.suffix == ".html":
            assert "<script>" not in text and " style=" not in text and " on" + "click=" not in text, path.name
