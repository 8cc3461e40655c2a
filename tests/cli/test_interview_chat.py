"""`aismm interview` as a conversation: after an answer only what changed; ':status' for the whole table."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aismm_assistant.cli.main import app

runner = CliRunner()
POLICY = ("GitHub Copilot Business is the approved assistant. The secure coding standard for AI assistants is on "
          "Confluence, owned by AppSec and reviewed annually, last in April; 93% of licensed developers acknowledged it.")
NO_INVENTORY = "Honestly we don't keep any list of the AI components or models our products use."


def _assessment() -> str:
    from aismm_assistant.assessment.record import AssessmentCreate
    from aismm_assistant.assessment.storage import Store

    s = Store()
    aid = s.create_assessment(AssessmentCreate(organization="Clico", scope={"deployment_types": ["PaaS"]})).id
    s.close()
    return aid


def _chat(aid: str, script: str, *extra: str):
    res = runner.invoke(app, ["interview", "-a", aid, "-c", "DEV", "-r", "AppSec", *extra], input=script)
    assert res.exit_code == 0, res.output
    return res.output


def test_after_an_answer_only_the_changed_readings_are_shown():
    out = _chat(_assessment(), f"{POLICY}\n{NO_INVENTORY}\n")
    blocks = out.split("\nQ (")  # each block: a question, then what the answer to it changed
    after_first, after_second = blocks[1], blocks[2]
    assert "new     DEV-02.1" in after_first and "93% of licensed developers acknowledged it." in after_first
    assert "DEV-02.3" in after_second.split("\n", 1)[1] and "not_met" in after_second
    assert "DEV-02.1" not in after_second.split("\n", 1)[1]  # an unchanged reading is not repeated
    assert "conf." not in out and "Proposed level L1 (pending" not in out  # no full table unless asked


def test_status_prints_the_whole_table_and_unknown_commands_are_refused():
    out = _chat(_assessment(), f"{POLICY}\n:status\n:frobnicate\n")
    assert "Proposed level" in out and "conf." in out  # the table appears only on :status
    assert out.count("Proposed level") == 1
    assert "unknown command ':frobnicate'" in out


def test_back_to_a_numbered_turn_and_finish_from_the_cli():
    aid = _assessment()
    res = runner.invoke(app, ["interview", "-a", aid, "-c", "DEV", "--json"],
                        input=f"We plan to write one next quarter.\n{NO_INVENTORY}\n:back 0\n{POLICY}\n")
    assert res.exit_code == 0, res.output
    view = json.loads(res.stdout)
    assert view["turns"][2]["question"] == view["turns"][0]["question"]
    assert view["proposal"]["controls"]["DEV-02.1"]["status"] == "met"  # the later answer wins
    done = runner.invoke(app, ["interview", "--finish", view["id"], "-r", "grc-lead"])
    assert done.exit_code == 0, done.output
    assert "Finished by grc-lead after 3 answers" in done.output
    again = runner.invoke(app, ["interview", "--resume", view["id"], "--json"], input="late answer\n")
    assert again.exit_code == 1 and "finished" in again.output


def test_depth_option_is_checked():
    res = runner.invoke(app, ["interview", "-a", _assessment(), "-c", "DEV", "--depth", "9"], input="")
    assert res.exit_code != 0 and "Traceback" not in res.output
