"""Honest eval figures: citation validity before the verbatim filter, over-rated levels, no training on a holdout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aismm_assistant.cli.main import app
from aismm_assistant.errors import ValidationError
from aismm_assistant.evals.agreement import evaluate
from aismm_assistant.evals.golden import load_golden
from aismm_assistant.evals.metrics import summarise
from aismm_assistant.evals.training import tuning_paths
from aismm_assistant.interview.analyser import LLMAnalyser
from tests.support.fakes_interview import ScriptedJudge

DATA = Path(__file__).resolve().parents[1] / "data"
GOLDEN = DATA / "interview_golden_dev.yaml"


def _judge_with_one_fabricated_quote() -> ScriptedJudge:
    turns = load_golden(GOLDEN).categories["DEV"].turns
    real = turns[0].answer.split(". ")[0]
    items = [
        {"control_id": "DEV-02.1", "status": "met", "confidence": 0.9, "quotes": [{"turn": 0, "quote": real}]},
        {"control_id": "DEV-02.2", "status": "met", "confidence": 0.9,
         "quotes": [{"turn": 1, "quote": "Every developer signed the assistant standard last week"}]},
    ]
    return ScriptedJudge(judgement={"items": items}, prompts=[])


def test_prefilter_validity_counts_the_quotes_the_filter_dropped():
    result = evaluate(GOLDEN, LLMAnalyser(_judge_with_one_fabricated_quote(), "fake:fabricating"))
    assert result["citation_validity"] == 1.0  # what is kept verifies
    assert result["citation_validity_prefilter"] < 1.0  # but the model did propose a quote that does not
    assert result["citations_proposed"] == result["citations"] + 1
    assert result["engine"] == "llm:fake:fabricating"


def test_offline_engine_quotes_verify_before_the_filter_too():
    result = evaluate(GOLDEN)
    assert result["citation_validity_prefilter"] == 1.0 and result["citations_proposed"] == result["citations"] > 0


def test_over_rated_is_the_share_of_cases_rated_above_the_expected_level():
    rows = [{"category": "GOV", "expected": e, "predicted": p} for e, p in ((2, 3), (3, 3), (4, 2), (1, 2))]
    result = summarise(rows, [("met", "met"), ("met", "partial")], 4, 4)
    assert result["over_rated"] == 0.5 and result["control_accuracy"] == 0.5


def test_eval_json_has_the_new_keys():
    res = CliRunner().invoke(app, ["eval", str(GOLDEN), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    for key in ("control_accuracy", "over_rated", "citation_validity_prefilter", "citation_validity", "engine"):
        assert key in data


def test_training_refuses_a_holdout(tmp_path):
    held = tmp_path / "holdout"
    held.mkdir()
    shutil.copy(GOLDEN, held / "a.yaml")
    with pytest.raises(ValidationError, match="holdout is never used for training"):
        tuning_paths(held)
    shutil.copy(GOLDEN, tmp_path / "b.yaml")
    assert [p.name for p in tuning_paths(tmp_path)] == ["b.yaml"]
