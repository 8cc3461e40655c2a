"""`aismm assessment ...` from a user's side: assess one category by hand, targets, gaps, diff, bad input."""

from __future__ import annotations

import json

import pytest

from tests.support import assessment as support
from tests.support.assessment import cli, cli_json, db_snapshot

corpus_dir = support.corpus_dir  # the shared fixture


def new_assessment(*extra: str) -> str:
    return cli_json("assessment", "new", "--org", "Acme Bank", *extra)["id"]


def test_assess_one_category_by_hand(corpus_dir):
    aid = new_assessment("--deployment", "PaaS", "--category", "MOD")
    for cid in ("MOD-02.1", "MOD-02.2", "MOD-03.1"):
        cli_json("assessment", "set", aid, cid, "met", "--evidence", f"Record for {cid}", "--by", "alice")
    out = cli_json("assessment", "set", aid, "mod-4.1", "partial", "--notes", "half the models")
    assert out["control_id"] == "MOD-04.1"
    cli_json("assessment", "target", aid, "MOD", "4", "--by", "2026-12-31")
    # not yet signed off: no level stands (issue 14: a category nobody signed off is never "L3" or "L1")
    before = cli_json("assessment", "show", aid)["categories"]["MOD"]
    assert (before["state"], before["level"], before["computed_level"]) == ("in_progress", None, 3)
    cli_json("assessment", "confirm-level", aid, "MOD", "3", "--by", "alice", "--rationale", "L3 evidence seen")
    shown = cli_json("assessment", "show", aid)
    assert shown["organization"] == "Acme Bank"
    assert shown["scope"] == {"deployment_types": ["PaaS"], "categories": ["MOD"]}
    mod = shown["categories"]["MOD"]
    # MOD-03.2 is self-hosted only, so with PaaS scope L3 is complete; L4 half done (one partial of two).
    assert (mod["level"], mod["target_level"], mod["gap"], mod["next_level"]) == (3, 4, 1, 4)
    assert mod["next_level_progress"] == 0.25
    assert mod["blocking"] == ["MOD-04.1", "MOD-04.2"]
    assert list(shown["categories"]) == ["MOD"]
    res = {r["control_id"]: r for r in shown["results"]}
    assert res["MOD-02.1"]["status"] == "met" and res["MOD-02.1"]["source"] == "manual"
    assert res["MOD-02.1"]["evidence"][0]["text"] == "Record for MOD-02.1"
    assert res["MOD-02.1"]["evidence"][0]["supplied_by"] == "alice"
    assert res["MOD-04.1"]["notes"] == "half the models"
    listed = cli_json("assessment", "list")["assessments"]
    assert [(a["id"], a["levels"]) for a in listed] == [(aid, {"MOD": 3})]
    code, out, _ = cli("assessment", "show", aid)
    assert code == 0 and "MOD" in out and "L3" in out


def test_gaps_are_a_roadmap_lower_levels_and_foundational_first(corpus_dir):
    aid = new_assessment("--category", "GOV", "--category", "MOD", "--category", "IR")
    for cid in ("GOV-02.1", "MOD-02.1", "MOD-02.2", "IR-02.1", "IR-03.1"):
        cli_json("assessment", "set", aid, cid, "met")
    cli_json("assessment", "target", aid, "IR", "4")
    steps = cli_json("assessment", "gaps", aid)["steps"]
    # same level: foundational GOV before structural MOD; IR climbs to its target L4 last
    assert [(s["category"], s["to_level"]) for s in steps] == [("GOV", 3), ("MOD", 3), ("IR", 4)]
    assert [o["control_id"] for o in steps[1]["objectives"]] == ["MOD-03.1", "MOD-03.2"]
    full = cli_json("assessment", "gaps", aid, "--to-level", "4")["steps"]
    assert [(s["category"], s["to_level"]) for s in full] == [
        ("GOV", 3), ("MOD", 3), ("GOV", 4), ("MOD", 4), ("IR", 4)]


def test_diff_names_what_moved(corpus_dir):
    a = new_assessment("--category", "GOV")
    b = new_assessment("--category", "GOV")
    cli_json("assessment", "set", a, "GOV-02.1", "partial")
    cli_json("assessment", "set", b, "GOV-02.1", "met", "--evidence", "Policy v2")
    cli_json("assessment", "set", b, "GOV-03.1", "met")
    d = cli_json("assessment", "diff", a, b)
    # issue 14: neither category was signed off, so no level stands; the rule's levels moved 1 -> 3
    assert d["categories"] == [{"category": "GOV", "level_before": None, "level_after": None,
                                "state_before": "in_progress", "state_after": "in_progress",
                                "computed_before": 1, "computed_after": 3, "target_before": None,
                                "target_after": None, "change": None}]
    moved = {c["control_id"]: (c["status_before"], c["status_after"]) for c in d["controls"]}
    assert moved == {"GOV-02.1": ("partial", "met"), "GOV-03.1": ("unknown", "met")}


def test_confirm_and_confirm_level_from_the_cli(corpus_dir):
    from aismm_assistant.assessment.record import Proposal
    from aismm_assistant.storage import get_store

    aid = new_assessment("--category", "GOV")
    get_store().propose_results(aid, [Proposal(control_id="GOV-02.1", status="met", confidence=0.8)])
    shown = cli_json("assessment", "show", aid)
    gov = shown["categories"]["GOV"]  # issue 14: a level stands only once assessed
    assert (gov["state"], gov["level"], gov["computed_level"], gov["proposed_level"]) == ("in_progress", None, 1, 2)
    assert shown["results"][0]["proposed_status"] == "met" and shown["results"][0]["pending"] is True
    out = cli_json("assessment", "confirm", aid, "GOV-02.1", "--by", "bob", "--rationale", "policy seen")
    assert out["status"] == "met"
    out = cli_json("assessment", "confirm-level", aid, "GOV", "L2", "--by", "bob", "--rationale", "ok")
    assert out["level"] == 2
    assert cli_json("assessment", "show", aid)["categories"]["GOV"]["level_confirmed"] is True


def test_schema_is_published(corpus_dir):
    schema = cli_json("assessment", "schema")
    assert schema["title"] == "Assessment"
    for key in ("organization", "scope", "corpus", "status", "categories", "results", "history"):
        assert key in schema["properties"]
    all_ = cli_json("assessment", "schema", "--name", "all")
    assert set(all_) == {"AssessmentCreate", "Assessment", "AssessmentPublic"}
    assert "ControlResult" in json.dumps(all_["Assessment"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set", "{id}", "GOV-02.1", "maybe"), "invalid status 'maybe'"),
        (("set", "{id}", "GOV-09.1", "met"), "no control GOV-09.1; nearest"),
        (("set", "asm-nope", "GOV-02.1", "met"), "no assessment 'asm-nope'"),
        (("set", "{id}", "MOD-02.1", "met"), "outside the scope"),
        (("target", "{id}", "GOV", "7"), "invalid level '7'"),
        (("target", "{id}", "GOV", "3", "--by", "next year"), "invalid date"),
        (("target", "{id}", "XYZ", "3"), "no category 'XYZ'"),
        (("confirm", "{id}", "GOV-02.1", "--by", "bob", "--rationale", "x"), "no proposal to accept"),
        (("confirm-level", "{id}", "GOV", "3", "--by", "bob", "--rationale", "x"), "give L1, not L3"),
        (("status", "{id}", "final"), "can move to in_review"),
        (("export", "{id}", "--format", "odt", "-o", "/tmp/x.odt"), "unknown format 'odt'"),
        (("export", "{id}", "--format", "json", "-o", "/nonexistent/dir/x.json"), "folder does not exist"),
        (("diff", "{id}", "asm-nope"), "no assessment 'asm-nope'"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(corpus_dir, args, message):
    aid = new_assessment("--category", "GOV")
    cli_json("assessment", "set", aid, "GOV-02.1", "partial")
    before = db_snapshot()
    code, out, err = cli("assessment", *[a.format(id=aid) for a in args])
    assert code == 1
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert "Traceback" not in err + out
    assert db_snapshot() == before


def test_new_rejects_bad_scope_without_storing(corpus_dir):
    code, _, err = cli("assessment", "new", "--org", "X", "--deployment", "mainframe")
    assert code == 1 and "unknown deployment type 'mainframe'" in err
    code, _, err = cli("assessment", "new", "--org", "X", "--category", "ABC")
    assert code == 1 and "unknown category 'ABC'" in err
    code, _, err = cli("assessment", "new", "--org", "   ")
    assert code == 1 and "organization" in err
    assert db_snapshot() == {}


def test_exports_and_evidence_requests_stay_light(corpus_dir, tmp_path):
    """An export or an evidence request never loads the retrieval or LLM stack."""
    import subprocess
    import sys

    aid = new_assessment("--category", "GOV")
    script = (
        "import sys\nfrom aismm_assistant.cli.main import app\n"
        "for args in (['assessment', 'export', sys.argv[1], '--format', 'html', '-o', sys.argv[2]],\n"
        "             ['assessment', 'export', sys.argv[1], '--format', 'xlsx', '-o', sys.argv[2] + '.xlsx'],\n"
        "             ['evidence-request', '--assessment', sys.argv[1], '--format', 'csv']):\n"
        "    try:\n        app(args, prog_name='aismm')\n    except SystemExit as e:\n        assert not e.code, e.code\n"
        "heavy = ('torch', 'chromadb', 'langchain', 'langchain_core', 'sentence_transformers', 'onnxruntime', 'fastapi')\n"
        "print('HEAVY', sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, aid, str(tmp_path / "r.html")], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout
    assert (tmp_path / "r.html").exists()
