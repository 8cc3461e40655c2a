"""The quick self-assessment: indicative levels from the descriptors, beside the KPI level, never mixed in."""

from __future__ import annotations

from tests.support.process import api_fixture, cli, cli_json, db_snapshot, err_line, new_assessment  # noqa: F401


def test_set_levels_and_reasons_stored_beside_kpi_levels():
    aid = new_assessment()
    levels_before = {cid: c["level"] for cid, c in cli_json("assessment", "show", aid)["categories"].items()}
    out = cli_json("assessment", "quick", aid, "--set", "GOV=2", "--set", "mon=L3",
                   "--reason", "GOV=policy published, no council yet", "--by", "priya")
    cats = {c["category"]: c for c in out["categories"]}
    assert (out["done"], out["total"]) == (2, 12)
    assert [d["level"] for d in cats["GOV"]["descriptors"]] == [1, 2, 3, 4, 5]
    assert "acceptable-use policy" in cats["GOV"]["descriptors"][1]["text"]  # the real corpus L2 descriptor
    assert cats["GOV"]["reason"] == "policy published, no council yet" and cats["GOV"]["by"] == "priya"
    shown = cli_json("assessment", "show", aid)
    assert shown["categories"]["GOV"]["indicative_level"] == 2
    assert shown["categories"]["MON"]["indicative_level"] == 3
    assert shown["categories"]["IAM"]["indicative_level"] is None
    # indicative levels never move the KPI-based level
    assert all(c["level"] == levels_before[cid] for cid, c in shown["categories"].items())
    cli_json("assessment", "quick", aid, "--set", "MON=2")
    shown = cli_json("assessment", "show", aid)
    assert shown["categories"]["MON"]["indicative_level"] == 2
    assert shown["categories"]["GOV"]["indicative_level"] == 2  # untouched


def test_bad_input_is_one_line_and_changes_nothing():
    aid = new_assessment()
    cli_json("assessment", "quick", aid, "--set", "GOV=2")
    before = db_snapshot()
    assert "invalid level" in err_line("assessment", "quick", aid, "--set", "GOV=3", "--set", "MON=9")
    assert "no category" in err_line("assessment", "quick", aid, "--set", "XYZ=2")
    assert "CATEGORY=LEVEL" in err_line("assessment", "quick", aid, "--set", "GOV")
    assert "without --set" in err_line("assessment", "quick", aid, "--set", "GOV=3", "--reason", "MON=x")
    assert "300" in err_line("assessment", "quick", aid, "--set", "GOV=3", "--reason", "GOV=" + "x" * 301)
    assert "no assessment" in err_line("assessment", "quick", "asm-nope", "--set", "GOV=3")
    assert db_snapshot() == before


def test_interactive_prompts_category_by_category():
    from typer.testing import CliRunner

    from aismm_assistant.cli.main import app

    aid = new_assessment("--category", "GOV", "--category", "MON")
    result = CliRunner().invoke(app, ["assessment", "quick", aid, "--by", "sam"],
                                input="7\n3\ncouncil chartered in May\n\n")
    assert result.exit_code == 0, result.stderr
    assert "L1 Initial" in result.stdout and "L5 Efficient" in result.stdout  # descriptors side by side
    assert "type 1-5" in result.stdout  # '7' was refused and asked again
    shown = cli_json("assessment", "show", aid)
    assert shown["categories"]["GOV"]["indicative_level"] == 3
    assert shown["categories"]["GOV"]["indicative_reason"] == "council chartered in May"
    assert shown["categories"]["MON"]["indicative_level"] is None  # skipped with Enter


def test_disagreements_point_where_to_assess_first():
    from aismm_assistant.assessment.quick import disagreements

    aid = new_assessment("--category", "GOV", "--category", "MON", "--category", "IAM")
    for cid in ("GOV-02.1", "GOV-02.2", "GOV-02.3"):
        cli_json("assessment", "set", aid, cid, "met", "--by", "priya")
    for cid in ("MON-02.1", "IAM-02.1"):
        cli_json("assessment", "set", aid, cid, "not_met", "--by", "priya")
    for cat, lv in (("GOV", "2"), ("MON", "1"), ("IAM", "1")):  # signed off: the KPI levels are L2, L1, L1
        cli_json("assessment", "confirm-level", aid, cat, lv, "--by", "priya", "--rationale", "workshop")
    cli_json("assessment", "quick", aid, "--set", "GOV=2", "--set", "MON=4", "--set", "IAM=2")
    shown = cli_json("assessment", "show", aid)
    d = disagreements(shown)
    assert [x["category"] for x in d] == ["MON", "IAM"]  # GOV agrees (L2 both); MON is 3 apart, IAM 1
    assert d[0]["difference"] == 3 and "higher" in d[0]["reading"]


def test_quick_is_refused_on_a_final_assessment():
    from aismm_assistant.assessment.storage import get_store

    aid = new_assessment()
    get_store().update_assessment(aid, lambda rec: setattr(rec, "status", "final"))  # however it got there
    assert "final" in err_line("assessment", "quick", aid, "--set", "GOV=2")


def test_api_quick_form_and_post(api):
    aid = api.new_assessment()
    form = api.get(f"/api/assessments/{aid}/quick", "alice").json()
    assert form["total"] == 12 and form["done"] == 0
    assert all(len(c["descriptors"]) == 5 and all(d["text"] for d in c["descriptors"]) for c in form["categories"])
    resp = api.post(f"/api/assessments/{aid}/quick", "alice", json={"levels": {"GOV": {"level": 3, "reason": "council"}}})
    assert resp.status_code == 200 and resp.json()["done"] == 1
    bad = api.post(f"/api/assessments/{aid}/quick", "alice", json={"levels": {"GOV": {"level": 3}, "NOPE": {"level": 2}}})
    assert bad.status_code in (404, 422) and "NOPE" in bad.json()["error"]
    assert api.get(f"/api/assessments/{aid}", "alice").json()["categories"]["GOV"]["indicative_level"] == 3
    assert api.post(f"/api/assessments/{aid}/quick", "dana", json={"levels": {"GOV": {"level": 1}}}).status_code == 403
