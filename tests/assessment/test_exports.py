"""Exports and imports: exact round trips, a hand-filled workbook, OSCAL, the board report, bad files."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from aismm_assistant.assessment.record import AssessmentCreate, Citation, Proposal, Scope
from aismm_assistant.storage import get_store
from tests.support import assessment as support
from tests.support.assessment import cli, cli_json, db_snapshot

corpus_dir = support.corpus_dir  # the shared fixture


@pytest.fixture
def assessed(corpus_dir) -> str:
    """GOV L3 (manual), MOD L2 with an assisted result confirmed and one pending proposal; targets set."""
    store = get_store()
    aid = store.create_assessment(AssessmentCreate(
        organization="Acme Bank", scope=Scope(deployment_types=["PaaS"], categories=["GOV", "MOD", "IR"]))).id
    store.set_result(aid, "GOV-02.1", "met", evidence=["AUP v3, 96% attested", "HR attestation export"],
                     notes="reviewed March", actor="alice")
    store.set_result(aid, "GOV-03.1", "met", evidence=["AI council minutes"], actor="alice")
    store.set_result(aid, "GOV-04.1", "partial", actor="alice")
    store.set_result(aid, "MOD-02.1", "met", actor="bob")
    store.set_result(aid, "MOD-03.2", "not_applicable", notes="no self-hosted models", actor="bob")
    store.propose_results(aid, [
        Proposal(control_id="MOD-02.2", status="met", confidence=0.9, interview_id="int-1",
                 citations=[Citation(turn=1, quote="all models pinned in the registry")]),
        Proposal(control_id="MOD-03.1", status="met", confidence=0.4),
    ])
    store.confirm_result(aid, "MOD-02.2", actor="carol", rationale="registry shown")
    store.set_target(aid, "GOV", 4, by_date="2026-12-31", actor="alice")
    store.set_target(aid, "MOD", 3, actor="alice")
    store.confirm_level(aid, "GOV", level=3, actor="alice", rationale="L3 evidence reviewed in the March workshop")
    return aid


def levels_and_statuses(aid: str) -> tuple[dict, dict]:
    shown = cli_json("assessment", "show", aid)
    return ({k: (v["computed_level"], v["target_level"], v["target_date"]) for k, v in shown["categories"].items()},
            {r["control_id"]: r["status"] for r in shown["results"] if r["status"] != "unknown"})


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_json_and_yaml_round_trip_keep_everything(assessed, tmp_path, fmt):
    path = tmp_path / f"a.{fmt}"
    cli_json("assessment", "export", assessed, "--format", fmt, "-o", path)
    new_id = cli_json("assessment", "import", path)["id"]
    assert new_id != assessed
    assert levels_and_statuses(new_id) == levels_and_statuses(assessed)
    old, new = get_store().get_assessment(assessed), get_store().get_assessment(new_id)
    assert new.results["MOD-03.1"].pending and new.results["MOD-03.1"].provenance.proposed.confidence == 0.4
    assert new.results["MOD-02.2"].provenance.confirmed_by == "carol"
    assert {k: r.model_dump() for k, r in new.results.items()} == {k: r.model_dump() for k, r in old.results.items()}
    assert new.history[-1].action == "import"


def test_xlsx_round_trip_reproduces_levels_statuses_evidence_and_notes(assessed, tmp_path):
    path = tmp_path / "a.xlsx"
    cli_json("assessment", "export", assessed, "--format", "xlsx", "-o", path)
    new_id = cli_json("assessment", "import", path)["id"]
    assert levels_and_statuses(new_id) == levels_and_statuses(assessed)
    old, new = get_store().get_assessment(assessed), get_store().get_assessment(new_id)
    assert (new.organization, new.scope) == (old.organization, old.scope)
    for cid, res in old.results.items():
        if res.status == "unknown":
            assert cid not in new.results  # a pending proposal is not a value; it is not exported as one
            continue
        assert [e.text for e in new.results[cid].evidence] == [e.text for e in res.evidence]
        assert new.results[cid].notes == res.notes
    # the sheets keep the workbook's columns, then Status, Evidence, Notes
    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "GOV", "MOD", "IR"]
    header = [c.value for c in wb["GOV"][1]]
    assert header == ["Control ID", "Maturity Level", "Control Objective Name", "Control Objective",
                      "Deployment Types", "Manual / Automated", "AICM Mapping", "External References",
                      "Status", "Evidence", "Notes", "Assessor", "Date"]  # issue 14: who decided, and when


def test_a_hand_filled_official_layout_workbook_imports(corpus_dir, tmp_path):
    from openpyxl import load_workbook

    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.workbook import export_corpus_workbook

    path = tmp_path / "filled.xlsx"
    export_corpus_workbook(load_corpus(), path)
    wb = load_workbook(path)
    ws = wb["GOV"]
    ws.insert_rows(1)
    ws["A1"] = "AI Security Maturity Model — Governance"  # a title row above the header
    ws.cell(row=2, column=9, value="Status")
    ws.cell(row=2, column=10, value="Evidence")
    filled = {"GOV-02.1": "Met", "GOV-03.1": "Partially met", "GOV-04.1": "N/A"}
    for row in ws.iter_rows(min_row=3):
        if row[0].value in filled:
            ws.cell(row=row[0].row, column=9, value=filled[row[0].value])
            ws.cell(row=row[0].row, column=10, value="Line one\nLine two")
    wb.save(path)
    out = cli_json("assessment", "import", path, "--org", "Hand Filled", "--deployment", "PaaS")
    rec = get_store().get_assessment(out["id"])
    assert rec.organization == "Hand Filled" and rec.scope.deployment_types == ["PaaS"]
    assert {k: r.status for k, r in rec.results.items()} == {
        "GOV-02.1": "met", "GOV-03.1": "partial", "GOV-04.1": "not_applicable"}
    assert [e.text for e in rec.results["GOV-02.1"].evidence] == ["Line one", "Line two"]
    assert list(out["levels"]) == ["GOV"]  # sheets without a Status column were not assessed
    # issue 14: GOV-05.1 left blank, so GOV is in progress: the rule gives L2, no level stands yet
    gov = cli_json("assessment", "show", out["id"])["categories"]["GOV"]
    assert (gov["state"], gov["level"], gov["computed_level"]) == ("in_progress", None, 2)


def _xlsx_with(tmp_path: Path, header: list[str], rows: list[list]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "GOV"
    ws.append(header)
    for r in rows:
        ws.append(r)
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("maker", "message"),
    [
        (lambda p: (p / "bad.xlsx").write_bytes(b"PK\x03\x04 this is not really a zip") and p / "bad.xlsx",
         "not a readable .xlsx workbook"),
        (lambda p: _xlsx_with(p, ["Control ID", "Status", "Owner"], [["GOV-02.1", "met", "x"]]),
         "unknown column 'Owner'"),
        (lambda p: _xlsx_with(p, ["Control ID", "Status"], [["GOV-02.1", "met"], ["GOV-03.1", "sort of"]]),
         "row 3: invalid status 'sort of'"),
        (lambda p: _xlsx_with(p, ["Control ID", "Status"], [["GOV-02.1", "met"], ["GOV-09.9", "met"]]),
         "unknown control 'GOV-09.9'"),
        (lambda p: _xlsx_with(p, ["Control ID", "Maturity Level"], [["GOV-02.1", "L2"]]),
         "no category sheet with a Status column"),
        (lambda p: _xlsx_with(p, ["Control ID", "Status", "Notes"], [["GOV-02.1", None, "a note"]]),
         "has evidence or notes but no Status"),
        (lambda p: p / "missing.xlsx", "file not found"),
        (lambda p: (p / "a.txt").write_text("x") and p / "a.txt", "unsupported file type .txt"),
        (lambda p: (p / "a.json").write_text("{not json") and p / "a.json", "not valid JSON"),
        (lambda p: (p / "a.yaml").write_text("organization: X\nresults:\n  GOV-02.1: kinda\n") and p / "a.yaml",
         "invalid status 'kinda'"),
        (lambda p: (p / "a.yaml").write_text("organization: X\ncolour: blue\n") and p / "a.yaml",
         "unknown keys colour"),
        (lambda p: (p / "a.json").write_text(json.dumps({"aismm_assessment": 1, "record": {"id": "x"}}))
         and p / "a.json", "record"),
    ],
)
def test_bad_files_fail_in_one_line_and_store_nothing(assessed, tmp_path, maker, message):
    path = maker(tmp_path)
    before = db_snapshot()
    code, out, err = cli("assessment", "import", path)
    assert code == 1, out
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert db_snapshot() == before


def test_a_simple_hand_written_yaml_imports(corpus_dir, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "organization: Small Co\nscope: {deployment_types: [API/SaaS], categories: [GOV]}\n"
        "targets: {GOV: {level: 3, date: 2027-06-30}}\n"
        "results:\n  GOV-02.1: met\n  GOV-03.1: {status: partial, evidence: [Draft charter], notes: pending vote}\n",
        encoding="utf-8")
    out = cli_json("assessment", "import", path)
    shown = cli_json("assessment", "show", out["id"])
    assert shown["categories"]["GOV"]["computed_level"] == 2  # issue 14: in progress, no level stands yet
    assert shown["categories"]["GOV"]["target_date"] == "2027-06-30"
    assert shown["results"][1]["evidence"][0]["text"] == "Draft charter"


def test_oscal_assessment_results(assessed, tmp_path):
    path = tmp_path / "ar.json"
    cli_json("assessment", "export", assessed, "--format", "oscal", "-o", path)
    doc = json.loads(path.read_text())["assessment-results"]
    assert {"uuid", "metadata", "import-ap", "results"} <= set(doc)
    assert {"title", "last-modified", "version", "oscal-version"} <= set(doc["metadata"])
    result = doc["results"][0]
    assert {"uuid", "title", "description", "start", "reviewed-controls"} <= set(result)
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    # issue 14: a finding for every objective a person decided, nothing for unknown or pending ones
    assert set(findings) == {"gov-02.1", "gov-03.1", "gov-04.1", "mod-02.1", "mod-02.2"}
    assert "mod-03.2" not in findings  # self-hosted only: outside the PaaS scope, not in the plan
    assert findings["gov-02.1"]["target"]["status"] == {"state": "satisfied", "reason": "pass"}
    assert findings["gov-04.1"]["target"]["status"]["state"] == "not-satisfied"
    obs = {o["uuid"]: o for o in result["observations"]}
    related = [obs[r["observation-uuid"]]["description"] for r in findings["gov-02.1"]["related-observations"]]
    assert related == ["AUP v3, 96% attested", "HR attestation export"]
    interview_obs = [o for o in obs.values() if o["description"] == "all models pinned in the registry"]
    assert interview_obs[0]["methods"] == ["INTERVIEW"]
    levels = {p["class"]: p["value"] for p in result["props"] if p["name"] == "maturity-level"}
    assert levels == {"GOV": "3"}  # only assessed categories have a level
    states = {p["class"]: p["value"] for p in result["props"] if p["name"] == "category-state"}
    assert states == {"GOV": "assessed", "MOD": "in_progress", "IR": "not_assessed"}
    assert all(p["ns"].startswith("https://") for p in result["props"])
    uuid_re = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    assert all(uuid_re.match(f["uuid"]) for f in result["findings"])


def test_board_report_html_and_markdown(assessed, tmp_path):
    html_path, md_path = tmp_path / "r.html", tmp_path / "r.md"
    cli_json("assessment", "export", assessed, "--format", "html", "-o", html_path)
    cli_json("assessment", "export", assessed, "--format", "md", "-o", md_path)
    html = html_path.read_text()
    assert html.count("<svg") == 1 and "<script" not in html
    assert not re.search(r"(src|href)=['\"]https?://", html)  # self-contained: no CDN
    assert "Acme Bank" in html and "Roadmap" in html and "AI council minutes" in html
    assert "awaiting review" in html  # MOD-03.1's pending proposal shows, without counting
    md = md_path.read_text()
    # issue 14: only GOV is assessed (MOD has a pending proposal, IR nothing), so the mean is GOV's level
    assert "1 of 3 categories assessed; mean level 3.00" in md
    assert "| MOD Model Security | In progress |" in md and "| IR Incident Response | Not assessed |" in md
    assert "GOV L3 → L4" in md.replace("**", "")
    assert "“AUP v3, 96% attested” (manual — alice, as of " in md


def test_radar_falls_back_to_bars_below_three_categories():
    from aismm_assistant.assessment.reports import radar_svg

    assert "<polygon" in radar_svg([("GOV", 2, 3), ("ORG", 1, None), ("IAM", 4, 4)])
    bars = radar_svg([("GOV", 2, 3)])
    assert "<polygon" not in bars and "<rect" in bars


def test_csv_lists_every_in_scope_objective(assessed, tmp_path):
    path = tmp_path / "a.csv"
    cli_json("assessment", "export", assessed, "--format", "csv", "-o", path)
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert len(rows) == 4 + 8 + 4
    by_id = {r["Control ID"]: r for r in rows}
    assert by_id["MOD-03.2"]["Applicable"] == "no"
    assert (by_id["MOD-03.1"]["Status"], by_id["MOD-03.1"]["Proposed Status"]) == ("unknown", "met")
    assert by_id["MOD-02.2"]["Confirmed By"] == "carol"
