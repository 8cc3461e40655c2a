"""Provenance on every surface: which corpus a text comes from, and whether it is CSA's official wording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from aismm_assistant.cli.main import app
from aismm_assistant.corpus import corpus_provenance, load_corpus, load_corpus_dir

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"name", "version", "hash", "official"}


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _json(*args: str) -> dict:
    res = _run(*args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _check(prov: dict) -> None:
    assert set(prov) >= KEYS
    corpus = load_corpus()
    assert prov["official"] is False
    assert prov["version"] == corpus.meta.version and prov["hash"] == corpus.content_hash


@pytest.mark.parametrize("args", [
    ("lookup", "MOD-03.1"),
    ("lookup", "--aicm", "MDS-13"),
    ("search", "mod 3.1", "-k", "2"),
    ("ask", "What does GOV-02.1 require?"),
    ("evidence-request", "GOV-02.1"),
    ("crosswalk", "aismm", "GOV-02.1"),
])
def test_json_surfaces_carry_the_corpus(args):
    _check(_json(*args)["corpus"])


def test_assessment_show_carries_the_corpus():
    aid = _json("assessment", "new", "--org", "Acme", "--category", "GOV")["id"]
    shown = _json("assessment", "show", aid)
    _check(shown["corpus"])
    res = _run("assessment", "show", aid)
    assert "not the official CSA wording" in res.stdout


@pytest.mark.parametrize("args", [
    ("lookup", "GOV-02.1"),
    ("search", "GOV-02.1", "-k", "1"),
    ("ask", "What does GOV-02.1 require?"),
    ("evidence-request", "GOV-02.1"),
])
def test_text_output_ends_with_a_provenance_footer(args):
    res = _run(*args)
    assert res.exit_code == 0, res.output
    tail = " ".join(res.stdout.split()[-40:])
    assert "representative text, not the official CSA wording" in tail
    assert load_corpus().content_hash in tail


def test_workbook_and_oscal_exports_state_the_corpus(tmp_path):
    from openpyxl import load_workbook

    aid = _json("assessment", "new", "--org", "Acme", "--category", "GOV")["id"]
    xlsx = tmp_path / "a.xlsx"
    assert _run("assessment", "export", aid, "--format", "xlsx", "-o", str(xlsx)).exit_code == 0
    wb = load_workbook(xlsx)
    assert "corpus-official=false" in wb.properties.keywords
    assert "not the official CSA workbook text" in wb.properties.description
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert "not the official CSA workbook text" in summary["Corpus note"]
    oscal = tmp_path / "a.json"
    assert _run("assessment", "export", aid, "--format", "oscal", "-o", str(oscal)).exit_code == 0
    meta = json.loads(oscal.read_text(encoding="utf-8"))["assessment-results"]["metadata"]
    props = {p["name"]: p["value"] for p in meta["props"]}
    assert props["aismm-corpus-official"] == "false"
    assert props["aismm-corpus-hash"] == load_corpus().content_hash
    assert "not the official CSA workbook text" in meta["remarks"]


def test_official_is_true_only_for_a_corpus_imported_from_the_official_files(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from aismm_assistant.settings import reset_settings

    ours = tmp_path / "ours.xlsx"
    assert _run("corpus", "export-xlsx", str(ours)).exit_code == 0
    # Our own export re-imported stays non-official ...
    assert _run("corpus", "import-xlsx", str(ours), "--out", str(tmp_path / "reimported")).exit_code == 0
    assert corpus_provenance(load_corpus_dir(tmp_path / "reimported"))["official"] is False
    # ... while a workbook in the official layout (no representative banner) is official once imported.
    wb = load_workbook(ours)
    del wb["About"]
    wb.properties.keywords = None
    official = tmp_path / "official.xlsx"
    wb.save(official)
    out = tmp_path / "imported"
    assert _run("corpus", "import-xlsx", str(official), "--out", str(out)).exit_code == 0
    monkeypatch.setenv("AISMM_CORPUS_DIR", str(out))
    reset_settings()
    data = _json("lookup", "GOV-02.1")
    assert data["corpus"]["official"] is True
    assert "official CSA text" in _run("lookup", "GOV-02.1").stdout


def test_the_changelog_names_the_current_version_and_hash():
    corpus = load_corpus(ROOT / "corpus")
    log = yaml.safe_load((ROOT / "corpus" / "changelog.yaml").read_text(encoding="utf-8"))
    latest = log["versions"][0]
    assert latest["version"] == corpus.meta.version
    assert latest["hash"] == corpus.content_hash, "corpus content changed: add a changelog entry and bump the version"
    assert latest["previous_hash"] != latest["hash"]
    for entry in log["changes"]:
        assert corpus.control(entry["id"]) is not None
        assert entry["why"].strip()
