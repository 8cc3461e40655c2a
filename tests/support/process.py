"""Helpers for the process tests (quick self-assessment, targets, roadmap, units, due); no tests here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

try:  # after the tests/ tree moved into packages
    from tests.support.api import GOV_ANSWER, Api, Server, api_fixture, server_env  # noqa: F401
    from tests.support.assessment import cli, cli_json, db_snapshot  # noqa: F401
    from tests.support.factories import category_dict, write_corpus  # noqa: F401
except ImportError:
    from tests.factories import category_dict, write_corpus  # noqa: F401
    from tests.test_api_support import GOV_ANSWER, Api, Server, api_fixture, server_env  # noqa: F401
    from tests.test_assessment_support import cli, cli_json, db_snapshot  # noqa: F401

# MON at L3 assumes IAM at L3 first: the fixture's one cross-category dependency.
DEPENDENCY = {"category": "MON", "level": 3, "requires": {"IAM": 3},
              "why": "Detection rules for AI abuse need per-identity attribution first."}


@pytest.fixture(name="dep_corpus")
def dep_corpus_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A synthetic 12-category corpus with one prerequisite in corpus/dependencies.yaml."""
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.settings import reset_settings

    d = write_corpus(tmp_path / "corpus")
    (d / "dependencies.yaml").write_text(yaml.safe_dump({"prerequisites": [DEPENDENCY]}), encoding="utf-8")
    monkeypatch.setenv("AISMM_CORPUS_DIR", str(d))
    reset_settings()
    if not hasattr(load_corpus(), "prerequisites"):  # a corpus loader without prerequisites support yet
        monkeypatch.setattr("aismm_assistant.assessment.roadmap.corpus_prerequisites",
                            lambda corpus: [DEPENDENCY] if corpus.meta.name == "test corpus" else [])
    return d


def new_assessment(*extra: str, org: str = "Acme Bank") -> str:
    return cli_json("assessment", "new", "--org", org, *extra)["id"]


def err_line(*args: Any) -> str:
    code, out, err = cli(*args)
    assert code != 0, out
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err.strip()
