"""After sign-in the page follows `next` only to a path on its own origin (parsed as a URL).

The check runs in Node against the very module the login page imports (web/assets/redirect.js);
the browser suite signs in with a hostile `next` as well.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.support.api import PROJECT
from tests.support.ci import need

NODE = shutil.which("node")


@pytest.fixture(autouse=True)
def _needs_node() -> None:
    need(NODE, "needs node to run the page module")
ORIGIN = "http://127.0.0.1:8000"

HOSTILE = [
    "/\\127.0.0.1:8732/phish",  # backslash: the URL parser reads it as a slash
    "/\t/127.0.0.1:8732/x",  # tab: the URL parser drops it, leaving //host
    "/\n/evil.example/x",
    "/\r/evil.example/x",
    "//evil.example/x",
    "///evil.example/x",
    "https://evil.example/x",
    "http://127.0.0.1:8732/x",
    "javascript:alert(1)",
    "\\\\evil.example",
    " /\\evil.example",
    "/\u0000/evil.example",
    "",
    "assessment",
    "/" + "a" * 3000,
]
SAME_ORIGIN = {
    "/assessment": "/assessment",
    "/assessment?id=asm-1": "/assessment?id=asm-1",
    "/interview?id=int-1#answer": "/interview?id=int-1#answer",
    "/dashboard?id=a%2Fb": "/dashboard?id=a%2Fb",
    "/lookup/../dashboard": "/dashboard",
}


def _safe_next(values: list[str]) -> list[str | None]:
    module = (PROJECT / "web" / "assets" / "redirect.js").as_uri()
    script = (
        f"import {{ safeNext }} from {json.dumps(module)};\n"
        f"const values = {json.dumps(values)};\n"
        f"console.log(JSON.stringify(values.map((v) => safeNext(v, {json.dumps(ORIGIN)}))));\n"
    )
    out = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_hostile_next_values_never_leave_the_origin() -> None:
    results = _safe_next(HOSTILE)
    assert dict(zip(HOSTILE, results, strict=True)) == dict.fromkeys(HOSTILE)


def test_same_origin_paths_are_kept_as_normalised_paths() -> None:
    results = _safe_next(list(SAME_ORIGIN))
    assert dict(zip(SAME_ORIGIN, results, strict=True)) == SAME_ORIGIN


def test_login_page_uses_the_parser_check_not_a_prefix_check() -> None:
    login = (PROJECT / "web" / "assets" / "login.js").read_text()
    assert "safeNext(param(\"next\"), location.origin)" in login
    assert "startsWith(\"/\") && !next.startsWith(\"//\")" not in login
