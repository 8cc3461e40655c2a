"""Issue 14, item 2: confirmed means reviewed; final means every category assessed or excluded."""

from __future__ import annotations

import pytest

try:
    from tests.support.api import GOV_ANSWER, api_fixture  # noqa: F401 - registers the "api" fixture
except ImportError:
    from tests.test_api_support import GOV_ANSWER, api_fixture  # type: ignore[no-redef]  # noqa: F401
try:  # the test tree after the reorganisation on main (tests/support/)
    from tests.support import assessment as support
    from tests.support.assessment import cli, cli_json, db_snapshot
except ImportError:  # this branch's layout
    from tests import test_assessment_support as support  # type: ignore[no-redef]
    from tests.test_assessment_support import cli, cli_json, db_snapshot  # type: ignore[no-redef]

corpus_dir = support.corpus_dir  # the shared fixture


def _propose(aid: str, *pairs: tuple[str, str]) -> None:
    from aismm_assistant.assessment.record import Proposal
    from aismm_assistant.assessment.storage import get_store

    get_store().propose_results(aid, [Proposal(control_id=c, status=s, confidence=0.7) for c, s in pairs])


def test_a_level_cannot_be_confirmed_while_proposals_are_pending(corpus_dir):
    aid = cli_json("assessment", "new", "--org", "Acme", "--category", "GOV")["id"]
    cli_json("assessment", "set", aid, "GOV-02.1", "met", "--by", "alice")
    _propose(aid, ("GOV-03.1", "met"), ("GOV-04.1", "partial"))
    before = db_snapshot()
    code, _, err = cli("assessment", "confirm-level", aid, "GOV", "2", "--by", "bob", "--rationale", "looks fine")
    assert code == 1 and "2 proposals still await review" in err and "--acknowledge-pending" in err
    assert err.count("\n") == 1 and db_snapshot() == before
    out = cli_json("assessment", "confirm-level", aid, "GOV", "2", "--by", "bob", "--rationale", "L2 policy seen",
                   "--acknowledge-pending", "L3/L4 proposals go to the next review cycle")
    assert out["level"] == 2
    from aismm_assistant.assessment.storage import get_store

    prov = get_store().get_assessment(aid).categories["GOV"].provenance
    assert prov.acknowledgement == "L3/L4 proposals go to the next review cycle"
    assert prov.pending_at_confirmation == ["GOV-03.1", "GOV-04.1"]
    assert prov.history[-1].action == "confirm-with-pending"


def test_once_every_proposal_is_decided_the_level_confirms_without_acknowledgement(corpus_dir):
    aid = cli_json("assessment", "new", "--org", "Acme", "--category", "GOV")["id"]
    _propose(aid, ("GOV-02.1", "met"), ("GOV-03.1", "met"))
    cli_json("assessment", "confirm", aid, "GOV-02.1", "--by", "bob", "--rationale", "policy seen")
    cli_json("assessment", "confirm", aid, "GOV-03.1", "--status", "partial", "--by", "bob", "--rationale", "one unit")
    out = cli_json("assessment", "confirm-level", aid, "GOV", "2", "--by", "bob", "--rationale", "reviewed")
    assert out["level"] == 2


def test_a_category_nobody_was_asked_about_cannot_be_confirmed(corpus_dir):
    aid = cli_json("assessment", "new", "--org", "Acme")["id"]
    before = db_snapshot()
    code, _, err = cli("assessment", "confirm-level", aid, "MOD", "1", "--by", "bob", "--rationale", "probably")
    assert code == 1 and "no objective has been assessed" in err
    assert db_snapshot() == before


def test_final_needs_every_category_assessed_or_excluded(corpus_dir):
    aid = cli_json("assessment", "new", "--org", "Acme", "--category", "GOV", "--category", "MOD")["id"]
    cli_json("assessment", "set", aid, "GOV-02.1", "met")
    cli_json("assessment", "set", aid, "GOV-03.1", "not_met")
    cli_json("assessment", "status", aid, "in_review")
    code, _, err = cli("assessment", "status", aid, "final")
    assert code == 1 and "neither assessed nor excluded (GOV, MOD)" in err
    cli_json("assessment", "confirm-level", aid, "GOV", "2", "--by", "bob", "--rationale", "ok")
    code, _, err = cli("assessment", "status", aid, "final")
    assert code == 1 and "(MOD)" in err
    cli_json("assessment", "exclude", aid, "MOD", "--reason", "no hosted models")
    assert cli_json("assessment", "status", aid, "final")["status"] == "final"


@pytest.mark.parametrize("body", [{"level": 1, "rationale": "nobody asked"}])
def test_api_refuses_unreviewed_and_unasked_confirmations(api, body):
    aid = api.new_assessment()
    unasked = api.post(f"/api/assessments/{aid}/categories/MOD/confirm", "alice", json=body)
    assert unasked.status_code == 422 and "no objective has been assessed" in unasked.json()["error"]
    iv = api.new_interview(aid, "GOV")
    api.post(f"/api/interviews/{iv['id']}/answers", "dana", json={"answer": GOV_ANSWER})
    view = api.get(f"/api/assessments/{aid}", "alice").json()
    pending = view["categories"]["GOV"]["pending_proposals"]
    assert pending >= 1
    # decide one objective by hand so the category has a finding, leaving the proposals pending
    api.post(f"/api/assessments/{aid}/controls/GOV-02.2/confirm", "alice", json={"status": "not_met", "rationale": "r"})
    refused = api.post(f"/api/assessments/{aid}/categories/GOV/confirm", "alice", json={"level": 1, "rationale": "r"})
    assert refused.status_code == 422 and "await review" in refused.json()["error"]
    ok = api.post(f"/api/assessments/{aid}/categories/GOV/confirm", "alice",
                  json={"level": 1, "rationale": "r", "acknowledge_pending": "reviewed live in the workshop"})
    assert ok.status_code == 200 and ok.json()["categories"]["GOV"]["state"] == "assessed"
