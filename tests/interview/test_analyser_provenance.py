"""Provenance names what actually ran: one analyser, chosen once, whatever AISMM_LLM says.

Before the analyser seam, AISMM_LLM made the API label offline proposals `llm:…` with the judge prompt's hash,
and `aismm eval` without --llm did the same.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aismm_assistant.cli.main import app
from aismm_assistant.interview.analyser import (
    Analyser,
    LLMAnalyser,
    OfflineAnalyser,
    get_analyser,
)
from aismm_assistant.llm import register_test_model
from aismm_assistant.settings import get_settings, reset_settings
from tests.support.api import GOV_ANSWER, Api, api_fixture  # noqa: F401 - registers the "api" fixture
from tests.support.fakes_interview import ScriptedJudge

DATA = Path(__file__).resolve().parents[1] / "data"
QUOTE = "We published a version-controlled AI acceptable use policy in March 2024"
RATIONALE = "scripted judge: the policy is published and attested"


def _judge() -> ScriptedJudge:
    item = {"control_id": "GOV-02.1", "status": "met", "confidence": 0.9,
            "quotes": [{"turn": 0, "quote": QUOTE}], "rationale": RATIONALE}
    return ScriptedJudge(judgement={"items": [item]}, prompts=[])


def _judge_sha() -> str:
    return hashlib.sha256((get_settings().prompts_dir / "judge.md").read_bytes()).hexdigest()


@pytest.fixture
def llm_setting(monkeypatch):
    """AISMM_LLM names a (scripted) chat model, as an operator would set it."""
    model = _judge()
    register_test_model("fake:judge", model)
    monkeypatch.setenv("AISMM_LLM", "fake:judge")
    reset_settings()
    return model


def _stored(api: Api, assessment_id: str) -> tuple[dict, dict]:
    record = api.store.get_assessment(assessment_id)
    proposals = {cid: r.provenance.proposed for cid, r in record.results.items() if r.provenance.proposed}
    return proposals, {c: cat.provenance.proposed for c, cat in record.categories.items() if cat.provenance.proposed}


def test_get_analyser_resolves_once_explicit_over_setting_over_offline(llm_setting):
    assert isinstance(get_analyser("offline"), OfflineAnalyser)
    chosen = get_analyser()
    assert isinstance(chosen, LLMAnalyser) and isinstance(chosen, Analyser)
    assert chosen.provenance.engine == "llm:fake:judge" and chosen.provenance.model == "fake:judge"
    assert chosen.provenance.prompts == {"judge.md": _judge_sha()}
    assert get_analyser("offline").provenance.as_dict() == {"engine": "offline", "model": None, "prompts": {}}


def test_api_with_llm_setting_records_the_judge_that_ran(api: Api, llm_setting):
    aid = api.new_assessment()
    iid = api.new_interview(aid, "GOV", "dana")["id"]
    resp = api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": GOV_ANSWER})
    assert resp.status_code == 200, resp.text
    assert llm_setting.prompts, "the chat model was never asked"
    proposals, levels = _stored(api, aid)
    assert proposals["GOV-02.1"].engine == "llm:fake:judge"
    assert proposals["GOV-02.1"].prompts == {"judge.md": _judge_sha()}
    assert RATIONALE in (proposals["GOV-02.1"].rationale or "")  # the judge's verdict, not the offline one
    assert {p.engine for p in proposals.values()} == {"llm:fake:judge"}
    assert levels["GOV"].engine == "llm:fake:judge" and levels["GOV"].prompts == {"judge.md": _judge_sha()}


def test_api_offline_records_offline_and_no_prompt(api: Api):
    aid = api.new_assessment()
    iid = api.new_interview(aid, "GOV", "dana")["id"]
    assert api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": GOV_ANSWER}).status_code == 200
    proposals, levels = _stored(api, aid)
    assert proposals and {p.engine for p in proposals.values()} == {"offline"}
    assert all(p.prompts == {} for p in proposals.values())
    assert levels["GOV"].engine == "offline" and levels["GOV"].prompts == {}


def test_eval_without_llm_flag_follows_the_setting_and_says_so(llm_setting):
    res = CliRunner().invoke(app, ["eval", str(DATA / "interview_golden_dev.yaml"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["engine"] == "llm:fake:judge" and data["prompts"] == {"judge.md": _judge_sha()}
    assert llm_setting.prompts, "labelled llm, so the chat model must have judged"


def test_eval_with_llm_offline_is_offline_despite_the_setting(llm_setting):
    res = CliRunner().invoke(app, ["eval", str(DATA / "interview_golden_dev.yaml"), "--llm", "offline", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["engine"] == "offline" and data["prompts"] == {}
    assert not llm_setting.prompts, "labelled offline, so no chat model may have been asked"


def test_replay_reports_its_engine(llm_setting):
    res = CliRunner().invoke(app, ["assess", "replay", str(DATA / "interview_golden_dev.yaml"), "--llm", "offline",
                                   "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["engine"] == "offline"
    assert {c["engine"] for c in data["categories"].values()} == {"offline"}
    res = CliRunner().invoke(app, ["assess", "replay", str(DATA / "interview_golden_dev.yaml"), "--json"])
    data = json.loads(res.stdout)
    assert data["engine"] == "llm:fake:judge"
    assert {c["engine"] for c in data["categories"].values()} == {"llm:fake:judge"}
