"""Issue 14, item 5: evidence requests an owner can act on — scoped, reduced, with criteria, staggered."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aismm_assistant.assessment.record import AssessmentCreate, Proposal, Scope
from aismm_assistant.assessment.storage import get_store

try:  # the test tree after the reorganisation on main (tests/support/)
    from tests.support import assessment as support
    from tests.support.assessment import cli, cli_json
except ImportError:  # this branch's layout
    from tests import test_assessment_support as support  # type: ignore[no-redef]
    from tests.test_assessment_support import cli, cli_json  # type: ignore[no-redef]

corpus_dir = support.corpus_dir  # the shared fixture
ITEMS = ["A document", "A review record", "An owner list"]  # every synthetic objective's evidence list


@pytest.fixture
def assessment(corpus_dir) -> str:
    """GOV at L2 (L3 partial) with target L4; MOD without target; IR excluded; one pending proposal."""
    store = get_store()
    aid = store.create_assessment(AssessmentCreate(
        organization="Acme <script>x</script>",
        scope=Scope(deployment_types=["PaaS"], categories=["GOV", "MOD", "IR"]))).id
    store.set_result(aid, "GOV-02.1", "met", actor="a")
    store.set_result(aid, "GOV-03.1", "partial", actor="a", evidence=["Review record of the March council"],
                     notes="two of five units covered")
    store.set_target(aid, "GOV", 4, actor="a")
    store.set_result(aid, "MOD-02.1", "not_applicable", actor="a")
    store.propose_results(aid, [Proposal(control_id="MOD-02.2", status="met", confidence=0.6)])
    store.exclude_category(aid, "IR", reason="group SOC", actor="a")
    return aid


def test_default_scope_is_open_objectives_up_to_the_target_or_next_level(assessment):
    out = cli_json("evidence-request", "--assessment", assessment, "--due", "2027-01-15")
    ids = [r["control_id"] for r in out["requests"]]
    # GOV: L3 partial and L4 (target 4), never L5; MOD (no target, L1): only its L2; IR excluded
    assert sorted(ids) == ["GOV-03.1", "GOV-04.1", "MOD-02.2"]
    by_id = {r["control_id"]: r for r in out["requests"]}
    assert by_id["MOD-02.2"]["reason"].startswith("a proposal awaits review")
    everything = cli_json("evidence-request", "--assessment", assessment, "--all")
    assert len(everything["requests"]) > len(out["requests"])
    assert "GOV-05.1" in {r["control_id"] for r in everything["requests"]}
    assert not any(r["category"] == "IR" for r in everything["requests"])


def test_a_partial_objective_asks_only_for_what_is_missing(assessment):
    out = cli_json("evidence-request", "--assessment", assessment)
    gov3 = next(r for r in out["requests"] if r["control_id"] == "GOV-03.1")
    assert gov3["items"] == ["A document", "An owner list"]
    assert gov3["already_received"] == ["A review record"]
    assert gov3["gap_notes"] == "two of five units covered"
    full = next(r for r in cli_json("evidence-request", "--assessment", assessment, "--all")["requests"]
                if r["control_id"] == "GOV-03.1")
    assert full["items"] == ITEMS


def test_each_request_states_criterion_period_population_and_how_to_submit(assessment):
    from aismm_assistant.corpus import load_corpus

    out = cli_json("evidence-request", "--assessment", assessment)
    for r in out["requests"]:
        objective = load_corpus().control(r["control_id"]).objective
        assert r["pass_criterion"].startswith(objective)
        assert r["period"] and r["population"] and "PaaS" in r["population"]
        assert "control ID" in r["how_to_submit"]
    code, text, _ = cli("evidence-request", "--assessment", assessment)
    assert code == 0 and "Pass criterion:" in text and "Period:" in text and "How to submit:" in text


def test_grouped_by_owner_with_due_dates_staggered_by_priority(assessment):
    out = cli_json("evidence-request", "--assessment", assessment, "--due", "2027-01-15")
    by_id = {r["control_id"]: r for r in out["requests"]}
    assert (by_id["GOV-03.1"]["priority"], by_id["GOV-03.1"]["due"]) == (1, "2027-01-15")  # blocks L3
    assert (by_id["GOV-04.1"]["priority"], by_id["GOV-04.1"]["due"]) == (2, "2027-01-29")  # toward the target
    assert [o["owner"] for o in out["owners"]] == ["Head of AI Platform", "Owner"]  # in order of first priority
    assert out["owners"][1] == {"owner": "Owner", "requests": 2, "items": 2 + 3, "first_due": "2027-01-15"}
    default = cli_json("evidence-request", "--assessment", assessment)
    first = {r["control_id"]: r["due"] for r in default["requests"]}
    assert first["GOV-03.1"] == (date.today() + timedelta(days=14)).isoformat()


def test_markdown_escapes_user_text(assessment):
    code, text, _ = cli("evidence-request", "--assessment", assessment, "--owner", "[evil](http://x) <b>")
    assert code == 0
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<b>" not in text and "[evil](http" not in text and "\\[evil\\](http" in text


def test_api_scope_and_all(api):
    aid = api.new_assessment()
    api.post(f"/api/assessments/{aid}/categories/GOV/target", "alice", json={"level": 3})
    scoped = api.post("/api/evidence-requests", "alice", json={"assessment_id": aid, "category": "GOV"}).json()
    everything = api.post("/api/evidence-requests", "alice", json={"assessment_id": aid, "category": "GOV",
                                                                   "all": True}).json()
    assert {r["level"] for r in scoped["requests"]} == {2, 3}
    assert {r["level"] for r in everything["requests"]} == {2, 3, 4, 5}


try:
    from tests.support.api import api_fixture  # noqa: E402,F401 - registers the "api" fixture
except ImportError:
    from tests.test_api_support import api_fixture  # type: ignore[no-redef]  # noqa: E402,F401
