"""Issue 14, item 1: a category nobody assessed has no level; means and charts cover assessed ones only."""

from __future__ import annotations

try:  # the test tree after the reorganisation on main (tests/support/)
    from tests.support import assessment as support
    from tests.support.assessment import cli, cli_json, db_snapshot
except ImportError:  # this branch's layout
    from tests import test_assessment_support as support  # type: ignore[no-redef]
    from tests.test_assessment_support import cli, cli_json, db_snapshot  # type: ignore[no-redef]

corpus_dir = support.corpus_dir  # the shared fixture


def _new(*extra: str) -> str:
    return cli_json("assessment", "new", "--org", "Acme Bank", *extra)["id"]


def test_a_fresh_assessment_has_no_levels_and_no_mean(corpus_dir):
    aid = _new()
    shown = cli_json("assessment", "show", aid)
    assert len(shown["categories"]) == 12
    for c in shown["categories"].values():
        assert c["state"] == "not_assessed" and c["level"] is None
        assert "indicative_level" in c and c["indicative_level"] is None
        assert {"target_level", "next_level_progress"} <= set(c)
    assert shown["overall"]["mean_level"] is None
    assert (shown["overall"]["assessed"], shown["overall"]["categories"]) == (0, 12)
    assert all(d["mean_level"] is None for d in shown["domains"].values())


def test_states_move_from_not_assessed_to_in_progress_to_assessed(corpus_dir):
    aid = _new()
    cli_json("assessment", "set", aid, "GOV-02.1", "met", "--by", "alice")
    cli_json("assessment", "set", aid, "GOV-03.1", "not_met", "--by", "alice")
    gov = cli_json("assessment", "show", aid)["categories"]["GOV"]
    assert (gov["state"], gov["level"], gov["computed_level"]) == ("in_progress", None, 2)
    cli_json("assessment", "confirm-level", aid, "GOV", "2", "--by", "bob", "--rationale", "policy seen")
    shown = cli_json("assessment", "show", aid)
    gov = shown["categories"]["GOV"]
    assert (gov["state"], gov["level"]) == ("assessed", 2)
    # one assessed category of twelve: the mean is its level, not (2 + 11 x 1) / 12
    assert shown["overall"]["mean_level"] == 2.0 and shown["overall"]["assessed"] == 1
    assert shown["domains"]["Foundational"]["mean_level"] == 2.0
    assert shown["domains"]["Structural"]["mean_level"] is None
    assert shown["categories"]["MOD"]["level"] is None


def test_a_fully_filled_category_is_assessed_without_a_sign_off(corpus_dir):
    """A manual workbook decides every objective: that is an assessment, as in the official spreadsheet."""
    aid = _new("--category", "IR")
    for cid, st in (("IR-02.1", "met"), ("IR-03.1", "met"), ("IR-04.1", "partial"), ("IR-05.1", "not_met")):
        cli_json("assessment", "set", aid, cid, st, "--by", "alice")
    ir = cli_json("assessment", "show", aid)["categories"]["IR"]
    assert (ir["state"], ir["level"]) == ("assessed", 3)


def test_a_changed_status_after_sign_off_reopens_the_category(corpus_dir):
    aid = _new("--category", "GOV")
    cli_json("assessment", "set", aid, "GOV-02.1", "met")
    cli_json("assessment", "confirm-level", aid, "GOV", "2", "--by", "bob", "--rationale", "ok")
    cli_json("assessment", "set", aid, "GOV-03.1", "met")  # the rule now gives L3, signed off was L2
    gov = cli_json("assessment", "show", aid)["categories"]["GOV"]
    assert (gov["state"], gov["level"], gov["computed_level"]) == ("in_progress", None, 3)


def test_excluding_a_category_needs_a_reason_and_takes_it_out_of_the_counts(corpus_dir):
    aid = _new("--category", "GOV", "--category", "MOD")
    before = db_snapshot()
    code, _, err = cli("assessment", "exclude", aid, "MOD")
    assert code == 1 and err.startswith("error: ") and "reason" in err
    assert db_snapshot() == before
    out = cli_json("assessment", "exclude", aid, "MOD", "--reason", "no models hosted; SaaS only", "--by", "alice")
    assert out["excluded"] is True
    shown = cli_json("assessment", "show", aid)
    mod = shown["categories"]["MOD"]
    assert mod["excluded"] and mod["exclusion_reason"] == "no models hosted; SaaS only" and mod["level"] is None
    assert shown["overall"]["excluded"] == 1
    assert not [s for s in cli_json("assessment", "gaps", aid)["steps"] if s["category"] == "MOD"]
    cli_json("assessment", "exclude", aid, "MOD", "--include")
    assert cli_json("assessment", "show", aid)["categories"]["MOD"]["excluded"] is False


def test_text_show_says_how_many_are_assessed(corpus_dir):
    aid = _new()
    code, out, _ = cli("assessment", "show", aid)
    assert code == 0 and "0 of 12 categories assessed" in out
    assert "L1" not in out


def test_api_view_and_exclusion(api):
    aid = api.new_assessment()
    view = api.get(f"/api/assessments/{aid}", "alice").json()
    assert view["categories"]["GOV"]["state"] == "not_assessed" and view["categories"]["GOV"]["level"] is None
    assert view["overall"]["mean_level"] is None
    no_reason = api.post(f"/api/assessments/{aid}/categories/MOD/exclude", "alice", json={})
    assert no_reason.status_code == 422
    done = api.post(f"/api/assessments/{aid}/categories/MOD/exclude", "alice", json={"reason": "SaaS only"})
    assert done.status_code == 200 and done.json()["categories"]["MOD"]["excluded"] is True


try:
    from tests.support.api import api_fixture  # noqa: E402,F401 - registers the "api" fixture
except ImportError:
    from tests.test_api_support import api_fixture  # type: ignore[no-redef]  # noqa: E402,F401
