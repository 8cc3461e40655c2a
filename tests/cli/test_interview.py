"""`aismm interview`, `aismm review` and `aismm assess replay` through the real CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aismm_assistant.cli.main import app
from tests.support import DATA

runner = CliRunner()
POLICY = ("GitHub Copilot Business is the approved assistant. The secure coding standard for AI assistants is on "
          "Confluence, owned by AppSec and reviewed in April; 93% of licensed developers acknowledged it.")


def _assessment() -> str:
    from aismm_assistant.assessment.record import AssessmentCreate
    from aismm_assistant.storage import Store

    s = Store()
    aid = s.create_assessment(AssessmentCreate(organization="Clico", scope={"deployment_types": ["PaaS"]})).id
    s.close()
    return aid


def test_replay_json_contract_and_verbatim_quotes():
    res = runner.invoke(app, ["assess", "replay", str(DATA / "interview_golden_dev.yaml"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    import yaml

    turns = yaml.safe_load((DATA / "interview_golden_dev.yaml").read_text())["categories"]["DEV"]["turns"]
    dev = data["categories"]["DEV"]
    assert isinstance(dev["level"], int)
    for ctl in dev["controls"].values():
        assert {"status", "confidence", "citations"} <= set(ctl)
        for c in ctl["citations"]:
            assert c["quote"] in turns[c["turn"]]["answer"]


def test_replay_bad_file_is_one_line_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("categories:\n  XYZ:\n    turns: [{answer: hi}]\n")
    res = runner.invoke(app, ["assess", "replay", str(bad), "--json"])
    assert res.exit_code == 1 and "unknown category" in res.output and "Traceback" not in res.output


def test_interview_reads_stdin_and_stores_every_answer():
    aid = _assessment()
    script = f":why DEV-02.1\n{POLICY}\n:back\n{POLICY}\n:done\n"
    res = runner.invoke(app, ["interview", "--assessment", aid, "--category", "DEV", "--respondent", "AppSec",
                              "--json"], input=script)
    assert res.exit_code == 0, res.output
    view = json.loads(res.stdout)
    assert [t["answer"] for t in view["turns"]] == [POLICY, POLICY]
    assert view["status"] == "done"
    assert view["proposal"]["controls"]["DEV-02.1"]["status"] == "met"
    human = runner.invoke(app, ["interview", "--resume", view["id"]], input="")
    assert human.exit_code == 0 and "2 answers stored" in human.output


def test_interview_requires_assessment_and_category():
    res = runner.invoke(app, ["interview"], input="")
    assert res.exit_code == 1 and "--assessment" in res.output


def test_review_accepts_and_overrides_from_stdin():
    aid = _assessment()
    runner.invoke(app, ["interview", "-a", aid, "-c", "DEV", "--json"], input=f"{POLICY}\n:done\n")
    res = runner.invoke(app, ["review", aid, "--actor", "grc", "--json"],
                        input="accept quotes check out\noverride 1 level stays L1 until inventory evidence\n")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["accepted"] == ["DEV-02.1"]
    assert summary["levels"] == [{"category": "DEV", "level": 1, "action": "override"}]
    from aismm_assistant.storage import Store

    rec = Store().get_assessment(aid)
    assert rec.results["DEV-02.1"].status == "met" and rec.results["DEV-02.1"].provenance.confirmed_by == "grc"
    assert rec.categories["DEV"].provenance.confirmed == 1


def test_review_rejects_bad_choice_and_keeps_asking():
    aid = _assessment()
    runner.invoke(app, ["interview", "-a", aid, "-c", "DEV", "--json"], input=f"{POLICY}\n:done\n")
    res = runner.invoke(app, ["review", aid, "--actor", "grc"], input="override great because\nskip\nskip\n")
    assert res.exit_code == 0 and "is not one of" in res.output
