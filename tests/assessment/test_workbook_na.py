"""Issue 14, item 6: the assessment workbook marks N/A rows, names the assessor and date, and round-trips."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from aismm_assistant.assessment.record import AssessmentCreate, Citation, Proposal, Scope
from aismm_assistant.assessment.storage import get_store

try:  # the test tree after the reorganisation on main (tests/support/)
    from tests.support import assessment as support
    from tests.support.assessment import cli_json
except ImportError:  # this branch's layout
    from tests import test_assessment_support as support  # type: ignore[no-redef]
    from tests.test_assessment_support import cli_json  # type: ignore[no-redef]

corpus_dir = support.corpus_dir  # the shared fixture


@pytest.fixture
def assessed(corpus_dir) -> str:
    """MOD on PaaS: MOD-03.2 (self-hosted only) is out of scope; one confirmed proposal, one manual N/A."""
    store = get_store()
    aid = store.create_assessment(AssessmentCreate(organization="Acme", scope=Scope(
        deployment_types=["PaaS"], categories=["GOV", "MOD"]))).id
    store.set_result(aid, "MOD-02.1", "met", actor="alice", evidence=["Registry export"], notes="checked live")
    store.set_result(aid, "MOD-02.2", "not_applicable", actor="bob", notes="provider fixes parameters")
    store.propose_results(aid, [Proposal(control_id="MOD-03.1", status="met", confidence=0.8,
                                         citations=[Citation(turn=0, quote="every model is pinned")])])
    store.confirm_result(aid, "MOD-03.1", actor="carol", rationale="pins shown")
    store.set_result(aid, "GOV-02.1", "partial", actor="alice\x06", notes="awareness 88 %")
    return aid


def _rows(path, sheet: str) -> dict[str, dict]:
    ws = load_workbook(path)[sheet]
    header = [c.value for c in ws[1]]
    return {r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}


def test_out_of_scope_rows_read_na_and_decisions_name_assessor_and_date(assessed, tmp_path):
    path = tmp_path / "a.xlsx"
    cli_json("assessment", "export", assessed, "--format", "xlsx", "-o", path)
    rows = _rows(path, "MOD")
    assert rows["MOD-03.2"]["Status"] == "N/A (out of scope)"
    assert load_workbook(path)["MOD"]["I5"].font.color.rgb.endswith("6B7280")  # MOD-03.2 is row 5, greyed
    assert rows["MOD-02.2"]["Status"] == "not_applicable" and rows["MOD-02.2"]["Assessor"] == "bob"
    assert rows["MOD-03.1"]["Assessor"] == "carol"  # the confirmation, not the engine
    assert rows["MOD-02.1"]["Date"] and len(rows["MOD-02.1"]["Date"]) == 10
    assert rows["MOD-04.1"]["Status"] is None and rows["MOD-04.1"]["Assessor"] is None  # open, in scope
    assert _rows(path, "GOV")["GOV-02.1"]["Assessor"] == "alice"  # control characters dropped, no 500


def test_the_workbook_round_trips_exactly(assessed, tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    cli_json("assessment", "export", assessed, "--format", "xlsx", "-o", first)
    new_id = cli_json("assessment", "import", first)["id"]
    cli_json("assessment", "export", new_id, "--format", "xlsx", "-o", second)
    for sheet in ("GOV", "MOD"):
        assert _rows(second, sheet) == _rows(first, sheet)
    new = get_store().get_assessment(new_id)
    assert "MOD-03.2" not in new.results  # the N/A marker is the scope's, not a status
    assert new.results["MOD-02.2"].status == "not_applicable"
