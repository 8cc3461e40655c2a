"""Official workbook import/export: header found by name, details merged, malformed files write nothing."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from aismm_assistant.cli.main import app
from aismm_assistant.corpus import load_corpus_dir
from aismm_assistant.errors import CorpusError
from aismm_assistant.model import CATEGORY_ORDER
from aismm_assistant.workbook import export_corpus_workbook, import_workbook, parse_details
from tests.support.factories import write_corpus

HEADER = ["Control ID", "Maturity Level", "Control Objective Name", "Control Objective",
          "Deployment Types", "Manual/Automated", "AICM Mapping", "External References"]


def build_workbook(path, *, header=HEADER, bad_id=None, reorder=False, title_row=True):
    wb = Workbook()
    wb.active.title = "Introduction"
    wb.active.append(["AI Security Maturity Model", "read me first"])
    for prefix in CATEGORY_ORDER:
        ws = wb.create_sheet(prefix.lower() + " sheet")
        if title_row:
            ws.append([f"{prefix} control objectives"])
        cols = list(header)
        if reorder:
            cols = cols[::-1]
        ws.append(cols + ["Comments"])
        for lv in range(2, 6):
            values = {
                "Control ID": bad_id if (bad_id and prefix == "DAT" and lv == 3) else f"{prefix}-0{lv}.1",
                "Maturity Level": f"L{lv}",
                "Control Objective Name": f"{prefix} name {lv}",
                "Control Objective": f"{prefix} objective at level {lv}, reviewed every quarter.",
                "Deployment Types": "Self-hosted, PaaS" if lv == 4 else "All",
                "Manual/Automated": "Automated" if lv == 5 else "Manual",
                "AICM Mapping": "GRC-01, AIS-08",
                "External References": "NIST AI RMF GOVERN 1.1; ISO/IEC 42001 A.6",
            }
            row = [values.get(c) for c in cols]
            ws.append(row + ["free comment"])
    wb.save(path)
    return path


DETAILS = """# Details

## GOV-02.1 GOV name 2

**Key Indicator Rationale:** Staff who attested know the rules.

### Description
A longer description
over two lines.

### Evidence
- Policy document
- Attestation report

## MOD-03.1 — MOD name 3
**Description:** Registry of approved models.
**Evidence:**
1. Registry export
"""


def test_import_reads_headers_by_name_and_merges_details(tmp_path):
    wb = build_workbook(tmp_path / "aismm.xlsx", reorder=True)
    details = tmp_path / "details.md"
    details.write_text(DETAILS, encoding="utf-8")
    corpus = import_workbook(wb, details)
    assert len(corpus.controls) == 48
    gov = corpus.control("GOV-02.1")
    assert gov.rationale == "Staff who attested know the rules."
    assert gov.description == "A longer description over two lines."
    assert gov.evidence == ["Policy document", "Attestation report"]
    assert corpus.control("MOD-03.1").evidence == ["Registry export"]
    assert corpus.control("INF-04.1").deployment_types == ["Self-hosted", "PaaS"]
    assert corpus.control("INF-05.1").assessment_mode == "Automated"
    assert corpus.control("INF-05.1").references == ["NIST AI RMF GOVERN 1.1", "ISO/IEC 42001 A.6"]
    assert corpus.meta.representative is False


def test_cli_import_writes_a_loadable_corpus(tmp_path, aismm_home):
    wb = build_workbook(tmp_path / "aismm.xlsx")
    result = CliRunner().invoke(app, ["corpus", "import-xlsx", str(wb), "--json"])
    assert result.exit_code == 0, result.output
    corpus = load_corpus_dir(aismm_home / "corpus-imported")
    assert corpus.control("IR-05.1").name == "IR name 5"


@pytest.mark.parametrize(
    "kwargs,reason",
    [
        ({"header": [h for h in HEADER if h != "Control Objective"]}, "missing columns: Control Objective"),
        ({"bad_id": "DAT-3-1x"}, "bad Control ID 'DAT-3-1x'"),
        ({"bad_id": "DAT-04.1"}, "level"),
    ],
)
def test_malformed_workbooks_fail_and_write_nothing(tmp_path, aismm_home, kwargs, reason):
    wb = build_workbook(tmp_path / "bad.xlsx", **kwargs)
    result = CliRunner().invoke(app, ["corpus", "import-xlsx", str(wb)])
    assert result.exit_code == 1
    assert reason in result.output
    assert not (aismm_home / "corpus-imported").exists()


def test_import_never_replaces_an_unrelated_folder_and_export_refuses_a_folder(tmp_path, aismm_home):
    wb = build_workbook(tmp_path / "aismm.xlsx")
    keep = tmp_path / "documents"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["corpus", "import-xlsx", str(wb), "--out", str(keep)])
    assert result.exit_code == 1 and "not a corpus folder" in result.output
    assert (keep / "notes.txt").read_text(encoding="utf-8") == "mine"
    target = tmp_path / "imported"
    for _ in range(2):  # a corpus folder is replaced in place
        result = CliRunner().invoke(app, ["corpus", "import-xlsx", str(wb), "--out", str(target)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir() if "imported" in p.name) == ["imported"]
    assert load_corpus_dir(target).control("IR-05.1") is not None
    result = CliRunner().invoke(app, ["corpus", "export-xlsx", str(tmp_path)])
    assert result.exit_code == 1 and "is a folder" in result.output


def test_not_a_workbook_and_wrong_sheets(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"this is not a zip file")
    with pytest.raises(CorpusError, match="not a readable .xlsx"):
        import_workbook(junk)
    wb = Workbook()
    wb.active.append(["Name", "Value"])
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(CorpusError, match="no sheet has a 'Control ID' header"):
        import_workbook(tmp_path / "other.xlsx")
    with pytest.raises(CorpusError, match="file not found"):
        import_workbook(tmp_path / "missing.xlsx")


def test_details_without_headings(tmp_path):
    p = tmp_path / "d.md"
    p.write_text("just prose\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no control headings"):
        parse_details(p)


def test_export_then_import_round_trips(tmp_path):
    corpus = load_corpus_dir(write_corpus(tmp_path / "c"))
    out = tmp_path / "out.xlsx"
    export_corpus_workbook(corpus, out)
    sheets = load_workbook(out).sheetnames
    assert sheets[0] == "About" and sheets[1:] == list(CATEGORY_ORDER)
    again = import_workbook(out)
    for a, b in zip(corpus.controls, again.controls, strict=True):
        assert (a.id, a.level, a.name, a.objective, a.deployment_types, a.assessment_mode, a.aicm, a.references) == (
            b.id, b.level, b.name, b.objective, b.deployment_types, b.assessment_mode, b.aicm, b.references)
