"""Exact lookups: tolerant IDs, nearest-ID errors, AICM/reference reverse lookups, and a light import path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from aismm_assistant.cli.main import app
from aismm_assistant.settings import reset_settings
from tests.support.factories import category_dict, write_corpus

LOOKUP_KEYS = {"id", "category", "domain", "level", "name", "objective", "deployment_types", "assessment_mode",
               "aicm", "references", "rationale", "description", "evidence"}


@pytest.fixture
def synthetic(tmp_path, monkeypatch):
    mod = category_dict("MOD")
    mod["controls"][1]["aicm"] = ["AIS-08", "MDS-02"]
    mod["controls"][1]["references"] = ["NIST AI RMF GOVERN 1.1", "OWASP LLM03:2025"]
    d = write_corpus(tmp_path / "corpus", {"MOD": mod})
    monkeypatch.setenv("AISMM_CORPUS_DIR", str(d))
    reset_settings()
    return d


def invoke(*args):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("written", ["MOD-03.1", "mod-03.1", "MOD-3.1", "MOD 03.1", " mod_3_1 ", "Mod 3.1"])
def test_tolerant_ids(synthetic, written):
    result = invoke("lookup", written, "--json")
    assert result.exit_code == 0, result.output
    control = json.loads(result.stdout)["control"]
    assert control["id"] == "MOD-03.1"
    assert LOOKUP_KEYS <= set(control)
    assert control["domain"] == "Structural" and control["level"] == 3


def test_unknown_id_names_nearest(synthetic):
    result = invoke("lookup", "MOD-07.9")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no control MOD-07.9; nearest: MOD-")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_garbage_id(synthetic):
    result = invoke("lookup", "banana")
    assert result.exit_code == 1 and "no control banana; nearest:" in result.stderr


def test_reverse_lookups(synthetic):
    result = invoke("lookup", "--aicm", "ais-8", "--json")
    assert result.exit_code == 0, result.output
    assert [c["id"] for c in json.loads(result.stdout)["controls"]] == ["MOD-03.1"]
    result = invoke("lookup", "--ref", "LLM03", "--json")
    assert [c["id"] for c in json.loads(result.stdout)["controls"]] == ["MOD-03.1"]
    result = invoke("lookup", "--ref", "GOVERN 1.1", "--json")
    assert len(json.loads(result.stdout)["controls"]) == 48
    result = invoke("lookup", "--aicm", "UEM-99")
    assert result.exit_code == 1 and "no objective maps to AICM UEM-99" in result.stderr


def test_rich_rendering_shows_evidence(synthetic):
    result = invoke("lookup", "GOV-02.1")
    assert result.exit_code == 0
    assert "GOV-02.1" in result.stdout and "Evidence an assessor looks at" in result.stdout


def test_corpus_list_contract(synthetic):
    data = json.loads(invoke("corpus", "list", "--json").stdout)
    assert [c["id"] for c in data["categories"]][:4] == ["GOV", "ORG", "IAM", "MON"]
    assert {"id", "name", "domain"} <= set(data["categories"][0])
    assert {"id", "category", "level", "name"} <= set(data["controls"][0])
    assert len(data["controls"]) == 48


def test_lookup_process_imports_no_heavy_stack(synthetic):
    code = (
        "import sys\n"
        "from aismm_assistant.cli.main import app\n"
        "try:\n    app(['lookup', 'MOD-3.1', '--json'], prog_name='aismm')\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = [m for m in ('torch', 'chromadb', 'langchain', 'langchain_core', 'sentence_transformers',"
        " 'onnxruntime', 'fastapi') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert '"id": "MOD-03.1"' in out.stdout
    assert "HEAVY []" in out.stdout
