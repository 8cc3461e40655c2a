"""Shared helpers for the assessment, storage, export and evidence tests (no tests here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support.factories import category_dict, write_corpus

MOD_SCOPED = category_dict("MOD", per_level=2)
MOD_SCOPED["controls"][3]["deployment_types"] = ["Self-hosted"]  # MOD-03.2 applies to self-hosted models only
MOD_SCOPED["owner_role"] = "Head of AI Platform"


@pytest.fixture
def corpus_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A synthetic 12-category corpus: one objective per level, MOD two per level (MOD-03.2 self-hosted)."""
    from aismm_assistant.settings import reset_settings

    d = write_corpus(tmp_path / "corpus", {"MOD": MOD_SCOPED})
    monkeypatch.setenv("AISMM_CORPUS_DIR", str(d))
    reset_settings()
    return d


def cli(*args: str) -> tuple[int, str, str]:
    """Run `aismm ARGS` in-process: (exit code, stdout, stderr)."""
    from aismm_assistant.cli.main import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def cli_json(*args: str) -> dict:
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def db_snapshot() -> dict:
    """Every stored assessment as (version, doc): compare before/after to prove nothing changed."""
    from aismm_assistant.storage import get_store

    return {a.id: (a.version, a.model_dump(mode="json")) for a in get_store().list_assessments()}
