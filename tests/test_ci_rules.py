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
    for package in ("postgresql", "chromium"):
        assert f"missing+=({package})" in script
    assert ".venv/bin/chroma" in script
