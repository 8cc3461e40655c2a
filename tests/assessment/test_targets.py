"""S.M.A.R.T. targets: level, date and owner; warnings on targets the model advises against."""

from __future__ import annotations

from datetime import date

from tests.support.process import api_fixture, cli_json, db_snapshot, err_line, new_assessment  # noqa: F401


def codes(out: dict, category: str | None = "any") -> set[str]:
    return {w["code"] for w in out["warnings"] if category == "any" or w["category"] == category}


def test_target_with_level_date_and_owner():
    aid = new_assessment()
    out = cli_json("assessment", "target", aid, "MON", "4", "--by", "2027-12-31", "--owner", "Head of SecOps")
    assert (out["target_level"], out["target_date"], out["target_owner"]) == (4, "2027-12-31", "Head of SecOps")
    shown = cli_json("assessment", "show", aid)["categories"]["MON"]
    assert (shown["target_level"], shown["target_owner"]) == (4, "Head of SecOps")
    # changing level and date keeps the owner; an empty owner clears it
    out = cli_json("assessment", "target", aid, "MON", "3", "--by", "2027-06-30")
    assert out["target_owner"] == "Head of SecOps"
    out = cli_json("assessment", "target", aid, "MON", "3", "--by", "2027-06-30", "--owner", "")
    assert out["target_owner"] is None and "no-owner" in codes(out, "MON")


def test_a_smart_target_has_no_warning():
    aid = new_assessment()
    out = cli_json("assessment", "target", aid, "MON", "3", "--by", f"{date.today().year + 2}-06-30",
                   "--owner", "Head of SecOps")
    assert codes(out, "MON") == set()


def test_past_date_missing_date_and_owner_are_flagged():
    aid = new_assessment()
    out = cli_json("assessment", "target", aid, "GOV", "3", "--by", "2020-01-31", "--owner", "CISO")
    assert "date-in-past" in codes(out, "GOV")
    out = cli_json("assessment", "target", aid, "IAM", "3")
    assert {"no-date", "no-owner"} <= codes(out, "IAM")


def test_l5_across_the_board_is_warned_once():
    aid = new_assessment("--category", "GOV", "--category", "MON", "--category", "IAM")
    later = f"{date.today().year + 4}-12-31"
    out = cli_json("assessment", "target", aid, "GOV", "5", "--by", later, "--owner", "A")
    assert "l5-across-the-board" not in codes(out, None)  # one category of three
    cli_json("assessment", "target", aid, "MON", "5", "--by", later, "--owner", "B")
    out = cli_json("assessment", "target", aid, "IAM", "5", "--by", later, "--owner", "C")
    across = [w for w in out["warnings"] if w["code"] == "l5-across-the-board"]
    assert len(across) == 1 and "3 of 3" in across[0]["message"]
    assert "l5-low-risk" in codes(out, "GOV")  # default weight 2 with no deployment or usage raising it


def test_a_steep_climb_is_questioned():
    aid = new_assessment()
    out = cli_json("assessment", "target", aid, "DAT", "5", "--by", f"{date.today().year + 1}-01-15", "--owner", "D")
    assert "steep" in codes(out, "DAT")


def test_bad_target_input_changes_nothing():
    aid = new_assessment()
    before = db_snapshot()
    assert "invalid date" in err_line("assessment", "target", aid, "MON", "3", "--by", "next year")
    assert "invalid level" in err_line("assessment", "target", aid, "MON", "7")
    assert "200" in err_line("assessment", "target", aid, "MON", "3", "--owner", "x" * 201)
    assert db_snapshot() == before


def test_api_smart_target_returns_warnings(api):
    aid = api.new_assessment()
    r = api.post(f"/api/assessments/{aid}/categories/MON/smart-target", "alice",
                 json={"level": 4, "by_date": "2020-01-01", "owner": "Head of SecOps"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert {"category": "MON", "name": "Security Monitoring", "target_level": 4, "target_date": "2020-01-01",
            "owner": "Head of SecOps"} in body["targets"]
    assert any(w["code"] == "date-in-past" for w in body["warnings"])
