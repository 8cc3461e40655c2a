"""The roadmap: order follows cross-category dependencies, then risk weight, then level; owners and dates."""

from __future__ import annotations

import csv
import io

from tests.support.process import api_fixture, cli_json, dep_corpus_fixture, err_line, new_assessment  # noqa: F401


def keys(aid: str) -> list[str]:
    return [s["key"] for s in cli_json("assessment", "gaps", aid)["steps"]]


def test_a_dependency_pulls_its_prerequisite_first(dep_corpus):
    aid = new_assessment("--category", "MON", "--category", "IAM")
    cli_json("assessment", "target", aid, "MON", "3")
    cli_json("assessment", "risk", aid, "--set", "MON=5")  # MON outranks IAM on risk ...
    steps = {s["key"]: s for s in cli_json("assessment", "gaps", aid)["steps"]}
    order = list(steps)
    # ... but MON-L3 assumes IAM at L3, so IAM's L2 and L3 are planned (though IAM has no target) before it
    assert order.index("IAM-L3") < order.index("MON-L3")
    assert order[0] == "MON-L2"  # nothing blocks MON-L2: the high risk weight puts it first
    assert steps["MON-L3"]["depends_on"] == ["MON-L2", "IAM-L3"]
    assert steps["IAM-L3"]["why"] == ["prerequisite of MON-L3"]
    assert [s["priority"] for s in steps.values()] == list(range(1, len(steps) + 1))


def test_without_the_dependency_risk_decides(dep_corpus, monkeypatch):
    monkeypatch.setattr("aismm_assistant.assessment.roadmap.corpus_prerequisites", lambda corpus: [])
    aid = new_assessment("--category", "MON", "--category", "IAM")
    cli_json("assessment", "target", aid, "MON", "3")
    cli_json("assessment", "target", aid, "IAM", "3")
    cli_json("assessment", "risk", aid, "--set", "MON=5")
    assert keys(aid) == ["MON-L2", "MON-L3", "IAM-L2", "IAM-L3"]
    cli_json("assessment", "risk", aid, "--set", "MON=default", "--set", "IAM=4")
    assert keys(aid) == ["IAM-L2", "IAM-L3", "MON-L2", "MON-L3"]
    cli_json("assessment", "risk", aid, "--set", "IAM=default")  # equal weights: level, then domain order
    assert keys(aid) == ["IAM-L2", "MON-L2", "IAM-L3", "MON-L3"]


def test_default_risk_follows_deployment_and_ai_usage(dep_corpus):
    aid = new_assessment("--deployment", "Self-hosted")
    risk = cli_json("assessment", "risk", aid)["risk"]
    assert (risk["INF"]["weight"], risk["MOD"]["weight"], risk["GOV"]["weight"]) == (3, 3, 2)
    risk = cli_json("assessment", "risk", aid, "--usage", "model-training")["risk"]
    assert risk["MOD"]["weight"] == 4 and risk["MOD"]["because"] == ["deployment Self-hosted", "AI usage model-training"]
    assert "unknown AI usage" in err_line("assessment", "risk", aid, "--usage", "vibes")
    assert "1..5" in err_line("assessment", "risk", aid, "--set", "MON=high")


def test_owner_and_due_per_step(dep_corpus):
    aid = new_assessment("--category", "MON", "--category", "IAM")
    cli_json("assessment", "target", aid, "MON", "3", "--by", "2028-06-30", "--owner", "Head of SecOps")
    steps = {s["key"]: s for s in cli_json("assessment", "gaps", aid)["steps"]}
    assert (steps["MON-L2"]["owner"], steps["MON-L2"]["owner_source"], steps["MON-L2"]["due"]) == (
        "Head of SecOps", "target", "2028-06-30")
    assert (steps["IAM-L2"]["owner"], steps["IAM-L2"]["owner_source"], steps["IAM-L2"]["due"]) == ("Owner", "role", None)
    out = cli_json("assessment", "plan", aid, "iam-l2", "--owner", "Ada Park", "--due", "2027-09-30")
    assert (out["step"]["owner"], out["step"]["due"], out["step"]["owner_source"]) == ("Ada Park", "2027-09-30", "step")
    out = cli_json("assessment", "plan", aid, "MON-L3", "--due", "2027-01-31")
    assert out["step"]["owner"] == "Head of SecOps"  # only the date was set
    assert any("MON-L2" in w for w in out["step"]["warnings"])  # due before the step it depends on
    out = cli_json("assessment", "plan", aid, "IAM-L2", "--clear")
    assert out["step"]["owner_source"] == "role" and out["plan"] is None
    assert "CATEGORY-LEVEL" in err_line("assessment", "plan", aid, "MON-3", "--owner", "x")
    assert "--owner, --due or --clear" in err_line("assessment", "plan", aid, "MON-L3")


def test_jira_and_servicenow_exports_keep_order_and_links(dep_corpus, tmp_path):
    aid = new_assessment("--category", "MON", "--category", "IAM")
    cli_json("assessment", "target", aid, "MON", "3", "--owner", "=cmd|' /C calc'!A0")
    steps = cli_json("assessment", "gaps", aid)["steps"]
    out = tmp_path / "jira.csv"
    cli_json("assessment", "roadmap-export", aid, "-f", "jira", "-o", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    head, body = rows[0], rows[1:]
    assert head[:9] == ["Issue Id", "Summary", "Issue Type", "Priority", "Assignee", "Due Date", "Labels", "Labels",
                        "Description"] and set(head[9:]) == {"Blocked By"}
    ids = {s["key"]: str(s["priority"]) for s in steps}
    mon3 = next(r for r in body if r[1].startswith("MON") and "L3" in r[1])
    assert set(filter(None, mon3[9:])) == {ids["MON-L2"], ids["IAM-L3"]}
    assert mon3[4].startswith("'=")  # a formula in user text stays text
    out = tmp_path / "sn.csv"
    cli_json("assessment", "roadmap-export", aid, "-f", "servicenow", "-o", str(out))
    sn = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["correlation_id"] for r in sn] == [f"{aid}:{s['key']}" for s in steps]
    assert sn[[s["key"] for s in steps].index("MON-L3")]["depends_on"] == f"{aid}:MON-L2,{aid}:IAM-L3"
    xlsx = tmp_path / "r.xlsx"
    cli_json("assessment", "roadmap-export", aid, "-f", "xlsx", "-o", str(xlsx))
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    assert [c.value for c in ws[1]][:2] == ["Priority", "Step"] and ws.max_row == len(steps) + 1
    assert "unknown roadmap format" in err_line("assessment", "roadmap-export", aid, "-f", "pdf", "-o", str(xlsx))


def test_library_order_with_explicit_prerequisites():
    """The same rule on the real corpus, with a prerequisite handed in directly."""
    from aismm_assistant.assessment import actions
    from aismm_assistant.assessment.record import AssessmentCreate
    from aismm_assistant.assessment.roadmap import roadmap
    from aismm_assistant.corpus import load_corpus

    corpus = load_corpus()
    rec = actions.new_assessment(AssessmentCreate(organization="X", scope={"categories": ["GOV", "DEV"]}), corpus)
    actions.set_target(rec, corpus, "DEV", 4, actor="a")
    prereq = [{"category": "DEV", "level": 4, "requires": {"GOV": 3}, "why": "governed model registry first"}]
    order = [s["key"] for s in roadmap(rec, corpus, prerequisites=prereq)]
    assert order.index("GOV-L3") < order.index("DEV-L4")
    assert [s["key"] for s in roadmap(rec, corpus, prerequisites=[])][-1] == "DEV-L4"
    assert "GOV-L3" not in [s["key"] for s in roadmap(rec, corpus, prerequisites=[])]


def test_api_plan_risk_and_export(api):
    aid = api.new_assessment()
    base = f"/api/assessments/{aid}"
    r = api.post(f"{base}/roadmap/steps/GOV-L2", "alice", json={"owner": "Priya Rao", "due": "2027-05-31"})
    assert r.status_code == 200
    step = next(s for s in r.json()["steps"] if s["key"] == "GOV-L2")
    assert (step["owner"], step["due"], step["owner_source"]) == ("Priya Rao", "2027-05-31", "step")
    assert api.post(f"{base}/roadmap/steps/GOV-9", "alice", json={"owner": "x"}).status_code == 422
    assert api.post(f"{base}/roadmap/steps/GOV-L2", "alice", json={"due": "soon"}).status_code == 422
    r = api.post(f"{base}/risk", "alice", json={"weights": {"IR": 5}, "ai_usage": ["customer-facing"]})
    body = r.json()
    assert body["risk"]["IR"] == {"weight": 5, "default": 3, "because": ["AI usage customer-facing"], "set": True}
    assert body["steps"][0]["category"] == "IR"
    assert api.post(f"{base}/risk", "alice", json={"weights": {"IR": 9}}).status_code == 422
    for fmt, head in (("csv", "Priority,Step"), ("jira", "Issue Id,Summary"), ("servicenow", "correlation_id,")):
        r = api.get(f"{base}/roadmap/export?format={fmt}", "alice")
        assert r.status_code == 200 and r.text.startswith(head), r.text[:80]
    r = api.get(f"{base}/roadmap/export?format=xlsx", "alice")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert api.get(f"{base}/roadmap", "dana").status_code == 403
