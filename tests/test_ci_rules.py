"""In CI a test whose binary is missing fails instead of skipping (tests/support/ci.py)."""

from __future__ import annotations

import pytest

from tests.support import PROJECT, ci


@pytest.mark.parametrize("value", ["true", "1", "TRUE", "yes"])
def test_a_missing_binary_fails_in_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI=true: this test must run"):
        ci.need(None, "PostgreSQL binaries not installed")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_a_missing_binary_skips_outside_ci(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL"):
        ci.need("", "PostgreSQL binaries not installed")


def test_a_present_binary_runs(monkeypatch):
    monkeypatch.setenv("CI", "true")
    ci.need("/usr/bin/initdb", "PostgreSQL")  # no exception


def test_ci_script_installs_what_those_tests_need():

    script = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert "CI=true" in script.split("set -euo pipefail", 1)[1].split("pytest", 1)[0]
    assert "apt-get install" in script
    for package in ("postgresql", "chromium", "poppler-utils", "nodejs", "npm"):
        assert f"missing+=({package})" in script
    assert ".venv/bin/chroma" in script
    npm = next(line for line in script.splitlines() if line.startswith("npm ci --prefix tests/vendor"))
    assert "||" not in npm  # a failed axe-core install stops CI instead of turning the checks into skips


# What a test may need from outside the venv; a test that skips on one of these must go through need().
OUTSIDE = ("CHROMIUM", "chromium", "NODE", "node", "AXE", "axe", "pdftotext", "initdb", "pg_ctl", "CHROMA")


def test_no_test_skips_quietly_on_a_missing_outside_binary():
    offenders = []
    for path in sorted((PROJECT / "tests").rglob("*.py")):
        if "vendor" in path.parts or path.name == "test_ci_rules.py":
            continue
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            if ("skipif(" in line or "pytest.skip(" in line) and any(word in line for word in OUTSIDE):
                offenders.append(f"{path.relative_to(PROJECT)}:{n}: {line.strip()}")
    assert offenders == [], "use tests.support.ci.need() so CI fails instead of skipping:\n" + "\n".join(offenders)
