"""Reassessment: what is due (annual, quarterly check-ins on top gaps, revalidation), --from, diff."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.support.process import api_fixture, cli_json, db_snapshot, err_line, new_assessment  # noqa: F401


def due(*args: str) -> list[dict]:
    return cli_json("assessment", "due", *args)["items"]


def kinds(items: list[dict], aid: str) -> list[tuple[str, str | None]]:
    return [(i["kind"], i["category"]) for i in items if i["assessment_id"] == aid]


def test_annual_reassessment_and_quarterly_check_ins_on_top_gaps():
    aid = new_assessment("--category", "GOV", "--category", "MON", "--category", "IAM", "--category", "DAT")
    today = date.today()
    assert kinds(due(), aid) == []  # nothing due in the first month
    for cat in ("GOV", "MON", "IAM", "DAT"):
        cli_json("assessment", "target", aid, cat, "3", "--owner", "x")
    cli_json("assessment", "risk", aid, "--set", "DAT=5")
    quarter = (today + timedelta(days=95)).isoformat()
    items = due("--as-of", quarter, "--within", "0")
    # the top three gaps on the roadmap (DAT first on risk) get a check-in, the fourth does not
    assert sorted(kinds(items, aid)) == [("check-in", "DAT"), ("check-in", "GOV"), ("check-in", "IAM")]
    assert all(i["overdue"] for i in items)
    out = cli_json("assessment", "check-in", aid, "DAT", "--note", "DLP rules drafted", "--by", "ana")
    assert (out["category"], out["by"], out["note"]) == ("DAT", "ana", "DLP rules drafted")
    # a check-in held two months in restarts that category's clock
    from aismm_assistant.assessment.record import CheckIn
    from aismm_assistant.assessment.storage import get_store

    held = datetime.now(UTC) + timedelta(days=60)
    get_store().update_assessment(aid, lambda rec: rec.check_ins.append(CheckIn(category="DAT", by="ana", at=held)))
    assert sorted(kinds(due("--as-of", quarter, "--within", "0"), aid)) == [("check-in", "GOV"), ("check-in", "IAM")]
    year = (today + timedelta(days=366)).isoformat()
    assert ("reassessment", None) in kinds(due("--as-of", year, "--within", "0"), aid)
    assert ("reassessment", None) not in kinds(due("--within", "300"), aid)


def test_reassessment_carries_answers_and_evidence_marked_for_revalidation():
    old = new_assessment("--category", "GOV", "--deployment", "PaaS")
    for cid in ("GOV-02.1", "GOV-02.2", "GOV-02.3"):
        cli_json("assessment", "set", old, cid, "met", "--evidence", f"record for {cid}", "--by", "priya")
    cli_json("assessment", "set", old, "GOV-03.1", "not_met", "--by", "priya")
    cli_json("assessment", "target", old, "GOV", "3", "--by", "2028-06-30", "--owner", "CISO")
    cli_json("assessment", "quick", old, "--set", "GOV=3")
    new = cli_json("assessment", "new", "--from", old)
    assert new["reassessment_of"] == old and new["revalidate"] == ["GOV-02.1", "GOV-02.2", "GOV-02.3"]
    shown = cli_json("assessment", "show", new["id"])
    gov = shown["categories"]["GOV"]
    # carried answers still count (with category states, the level is computed until signed off again)
    assert (gov.get("computed_level") or gov["level"], gov["target_level"], gov["target_owner"]) == (2, 3, "CISO")
    assert gov["indicative_level"] is None  # the quick self-assessment is redone each cycle
    res = {r["control_id"]: r for r in shown["results"]}
    assert res["GOV-02.1"]["evidence"][0]["text"] == "record for GOV-02.1"
    assert shown["scope"]["deployment_types"] == ["PaaS"]
    items = [i for i in due() if i["assessment_id"] == new["id"] and i["kind"] == "revalidation"]
    assert [i["control_id"] for i in items] == ["GOV-02.1", "GOV-02.2", "GOV-02.3"]
    assert not any(i["assessment_id"] == old for i in due("--within", "400"))  # superseded
    cli_json("assessment", "set", new["id"], "GOV-02.1", "met", "--by", "priya")  # revalidated
    cli_json("assessment", "set", new["id"], "GOV-03.1", "met", "--by", "priya")
    items = [i["control_id"] for i in due() if i["assessment_id"] == new["id"] and i["kind"] == "revalidation"]
    assert items == ["GOV-02.2", "GOV-02.3"]
    moved = cli_json("assessment", "diff", old, new["id"])
    assert [c["control_id"] for c in moved["controls"]] == ["GOV-03.1"]
    assert moved["categories"][0]["indicative_before"] == 3 and moved["categories"][0]["indicative_after"] is None


def test_old_answers_and_expired_evidence_are_due_for_revalidation(tmp_path, monkeypatch):
    from aismm_assistant.evidence.store import add_evidence

    aid = new_assessment("--category", "GOV")
    cli_json("assessment", "set", aid, "GOV-02.1", "met", "--by", "priya")
    add_evidence(aid, "GOV-02.2", "attestation.txt", b"95% of staff attested in March.", added_by="priya",
                 expires=(date.today() + timedelta(days=10)).isoformat())
    items = due("--within", "20")
    assert [(i["kind"], i["control_id"]) for i in items if i["assessment_id"] == aid] == [("revalidation", "GOV-02.2")]
    later = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
    items = [i for i in due("--as-of", later, "--within", "0") if i["kind"] == "revalidation"]
    assert {i["control_id"] for i in items} == {"GOV-02.1", "GOV-02.2"}
    assert all(i["overdue"] for i in items)


def test_bad_input_is_refused_and_changes_nothing():
    aid = new_assessment()
    before = db_snapshot()
    assert "no assessment" in err_line("assessment", "new", "--from", "asm-nope")
    assert "give it alone" in err_line("assessment", "new", "--from", aid, "--org", "X")
    assert "invalid date" in err_line("assessment", "due", "--as-of", "soon")
    assert "no category" in err_line("assessment", "check-in", aid, "XYZ")
    assert db_snapshot() == before


def test_api_due_and_reassess(api):
    aid = api.new_assessment()
    api.post(f"/api/assessments/{aid}/controls/GOV-02.1/confirm", "alice", json={"status": "met", "rationale": "seen"})
    r = api.post(f"/api/assessments/{aid}/reassess", "alice")
    assert r.status_code == 201 and r.json()["revalidate"] == ["GOV-02.1"]
    items = api.get("/api/due?within=0", "alice").json()["items"]
    assert [(i["kind"], i["control_id"], i["assessment_id"]) for i in items] == [
        ("revalidation", "GOV-02.1", r.json()["id"])]
    assert api.get("/api/due", "dana").status_code == 403


def test_reassessment_re_attaches_evidence_files_with_their_expiry():
    from aismm_assistant.evidence.store import add_evidence

    old = new_assessment("--category", "GOV")
    cli_json("assessment", "set", old, "GOV-02.1", "met", "--by", "priya")
    expires = (date.today() + timedelta(days=90)).isoformat()
    add_evidence(old, "GOV-02.1", "aup-attestation.txt", b"94% of staff attested to AUP v3.", added_by="priya",
                 expires=expires)
    new = cli_json("assessment", "new", "--from", old)["id"]
    files = cli_json("evidence", "list", new)["evidence"]
    assert [(f["control_id"], f["name"], f["expires"], f["added_by"]) for f in files] == [
        ("GOV-02.1", "aup-attestation.txt", expires, "priya")]
    assert "carried over from " + old in files[0]["note"]
    assert len(cli_json("evidence", "list", old)["evidence"]) == 1  # the earlier assessment keeps its own
