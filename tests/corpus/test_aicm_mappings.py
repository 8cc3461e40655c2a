"""AICM mappings: every mapping judged wrong is gone or justified, the ID list is shipped and enforced."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from aismm_assistant.cli.main import app
from aismm_assistant.corpus import load_corpus, load_corpus_dir
from aismm_assistant.errors import CorpusError

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
WRONG = Path(__file__).resolve().parents[1] / "data" / "aicm-mappings-judged-wrong.tsv"


def _wrong() -> list[tuple[str, str]]:
    rows = [line.rstrip("\n").split("\t") for line in WRONG.read_text(encoding="utf-8").splitlines()]
    return [(r[0], r[1]) for r in rows if r and not r[0].startswith("#") and r[0] != "control_id"]


def test_every_mapping_judged_wrong_is_gone_or_justified_in_the_changelog():
    corpus = load_corpus(CORPUS)
    changelog = yaml.safe_load((CORPUS / "changelog.yaml").read_text(encoding="utf-8"))
    wrong = _wrong()
    assert len(wrong) == 31
    for control_id, aicm in wrong:
        kept = aicm in corpus.control(control_id).aicm
        entries = [e for e in changelog["changes"] if e["id"] == control_id and e["field"] == "aicm"]
        if kept:
            assert any(aicm in e.get("why", "") for e in entries), f"{control_id} keeps {aicm} without a justification"
        else:
            assert entries and aicm in entries[0]["old"] and aicm not in entries[0]["new"], (
                f"{control_id}: removal of {aicm} not recorded in corpus/changelog.yaml")


def test_the_ai_specific_aicm_controls_that_match_exactly_are_cited():
    corpus = load_corpus(CORPUS)
    expected = {"MOD-03.2": "MDS-13", "DAT-04.2": "DSP-21", "APP-04.2": "AIS-09", "APP-02.2": "AIS-15",
                "GOV-02.3": "HRS-14", "RSK-03.3": "MDS-12", "MOD-04.3": "MDS-09", "MOD-04.2": "MDS-10",
                "APP-02.1": "TVM-11"}
    for control_id, aicm in expected.items():
        assert aicm in corpus.control(control_id).aicm, (control_id, aicm)
    assert {"LOG-14", "LOG-15"} <= set(corpus.control("MON-02.1").aicm)
    assert "MDS-08" in corpus.control("MOD-03.2").aicm
    # STA numbers follow AICM, not CCM v4.0: STA-07 (an SSRM control) is no inventory or BOM control
    assert not [c.id for c in corpus.controls if "STA-07" in c.aicm]


def test_the_aicm_version_is_pinned_and_the_id_list_has_no_csa_text():
    corpus = load_corpus(CORPUS)
    assert corpus.meta.aicm_version == "1.0"
    aicm = corpus.crosswalks["aicm"]
    assert aicm.version == "1.0"
    assert len(aicm.refs) == 243
    assert all(label is None for label in aicm.refs.values())  # IDs only, never CSA titles
    assert aicm.is_valid("MDS-13") and not aicm.is_valid("MDS-14") and not aicm.is_valid("XYZ-01")


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def test_validate_rejects_an_aicm_id_that_is_not_in_aicm(tmp_path):
    d = _copy(tmp_path)
    path = d / "categories" / "MOD.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("aicm: [MDS-13, MDS-08", "aicm: [MDS-99, MDS-08", 1),
                    encoding="utf-8")
    with pytest.raises(CorpusError, match="MOD-03.2: MDS-99 is not an AICM v1.0 control ID"):
        load_corpus_dir(d)
    res = CliRunner().invoke(app, ["corpus", "validate", str(d)])
    assert res.exit_code != 0
    assert "MDS-99" in res.stderr and "Traceback" not in res.stderr


def test_validate_rejects_an_aicm_column_that_drifts_from_the_crosswalk(tmp_path):
    d = _copy(tmp_path)
    path = d / "categories" / "MOD.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("aicm: [MDS-13, MDS-08", "aicm: [MDS-12, MDS-08", 1),
                    encoding="utf-8")
    with pytest.raises(CorpusError, match="MOD-03.2: AICM column"):
        load_corpus_dir(d)


def test_validate_reports_the_aicm_version():
    res = CliRunner().invoke(app, ["corpus", "validate", str(CORPUS), "--json"])
    assert res.exit_code == 0, res.output
    assert '"aicm_version": "1.0"' in res.stdout


@pytest.mark.parametrize(("aicm", "message"), [
    ("XYZ-99", "XYZ-99 is not an AICM v1.0 control"),
    ("MDS-99", "MDS-99 is not an AICM v1.0 control"),
    ("IPY-03", "no objective maps to AICM IPY-03"),
])
def test_lookup_aicm_tells_an_unknown_id_from_an_unused_one(aicm, message):
    res = CliRunner().invoke(app, ["lookup", "--aicm", aicm])
    assert res.exit_code != 0
    assert message in res.stderr


def test_lookup_aicm_lists_the_objectives_for_a_real_id():
    res = CliRunner().invoke(app, ["lookup", "--aicm", "dsp-21", "--json"])
    assert res.exit_code == 0, res.output
    assert "DAT-04.2" in res.stdout
