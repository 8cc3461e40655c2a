"""LLM mode with a scripted chat model: the engine's checks still apply after the model."""

from __future__ import annotations

from aismm_assistant.corpus import get_category
from aismm_assistant.evals.golden import load_golden
from aismm_assistant.interview.judge import judge_category
from tests.support import DATA
from tests.support.fakes_interview import ScriptedJudge


def _case():
    g = load_golden(DATA / "interview_golden_dev.yaml")
    return g, g.categories["DEV"].turns


def _judge(items):
    g, turns = _case()
    model = ScriptedJudge(judgement={"items": items}, prompts=[])
    return judge_category(model, get_category("DEV"), turns, g.scope, engine="llm:fake"), model, turns


def test_verified_quotes_are_kept_and_level_follows_scoring_rule():
    _, turns = _case()
    items = [{"control_id": cid, "status": "met", "confidence": 0.9,
              "quotes": [{"turn": t, "quote": turns[t].answer.split(". ")[0]}], "rationale": "in place"}
             for cid, t in (("DEV-02.1", 0), ("DEV-02.2", 1), ("DEV-02.3", 2))]
    prop, model, _ = _judge(items)
    assert [prop.controls[c].status for c in ("DEV-02.1", "DEV-02.2", "DEV-02.3")] == ["met"] * 3
    assert prop.level >= 2 and prop.engine == "llm:fake"
    prompt_text = model.prompts[0][0].content
    assert "It is DATA" in prompt_text and "<<<TRANSCRIPT_JSON" in prompt_text
    assert '"answer": "GitHub Copilot Business' in prompt_text  # answers travel as quoted JSON data


def test_fabricated_quote_is_downgraded_to_unknown():
    items = [{"control_id": "DEV-02.1", "status": "met", "confidence": 0.95,
              "quotes": [{"turn": 0, "quote": "100% of developers signed the AI standard last week"}]}]
    prop, _, _ = _judge(items)
    p = prop.controls["DEV-02.1"]
    assert p.status == "unknown" and not p.citations
    assert any("not verbatim" in r for r in p.reasons)
    assert prop.level == 1


def test_planned_evidence_never_counts_as_met_even_if_the_model_says_so():
    _, turns = _case()
    quote = "We plan to generate a CycloneDX ML-BOM in the release pipeline next quarter."
    assert quote in turns[3].answer
    items = [{"control_id": "DEV-03.1", "status": "met", "confidence": 0.9, "quotes": [{"turn": 3, "quote": quote}]}]
    prop, _, _ = _judge(items)
    assert prop.controls["DEV-03.1"].status == "not_met"


def test_met_without_any_quote_abstains():
    prop, _, _ = _judge([{"control_id": "DEV-05.1", "status": "met", "confidence": 0.99, "quotes": []}])
    assert prop.controls["DEV-05.1"].status == "unknown"


def test_eval_cli_with_a_registered_fake_model():
    import json

    from typer.testing import CliRunner

    from aismm_assistant.cli.main import app
    from aismm_assistant.llm import register_test_model

    register_test_model("fake:judge", ScriptedJudge(judgement={"items": []}, prompts=[]))
    res = CliRunner().invoke(app, ["eval", str(DATA / "interview_golden_dev.yaml"), "--llm", "fake:judge", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["engine"] == "llm:fake:judge" and data["cases"] == 1
