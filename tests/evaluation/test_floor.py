"""CI guard: the offline engine on the holdout (never tuned on) stays above the floor in evals/thresholds.yaml."""

from __future__ import annotations

import pytest
import yaml

from aismm_assistant.evals.agreement import evaluate
from aismm_assistant.interview.analyser import OfflineAnalyser
from tests.support import PROJECT

ROOT = PROJECT
HOLDOUT = ROOT / "evals" / "golden" / "holdout"


@pytest.mark.skipif(not any(HOLDOUT.glob("*.yaml")), reason="no holdout files")
def test_offline_engine_on_the_holdout_meets_the_floor():
    limits = yaml.safe_load((ROOT / "evals" / "thresholds.yaml").read_text())
    ceilings = limits.pop("ceilings", {})
    result = evaluate(HOLDOUT, OfflineAnalyser())
    assert result["engine"] == "offline" and result["cases"] >= 20
    below = {k: (result[k], v) for k, v in limits.items() if result[k] < v}
    above = {k: (result[k], v) for k, v in ceilings.items() if result[k] > v}
    assert not below, f"below the CI floor on the holdout (measured, floor): {below}"
    assert not above, f"above the CI ceiling on the holdout (measured, ceiling): {above}"


def test_adaptive_questioning_uses_at_most_60_percent_of_questions():
    from aismm_assistant.evals.simulate import simulate

    result = simulate(str(ROOT / "tests" / "data" / "interview_golden_dev.yaml"))
    assert result["adaptive_questions"] < result["all_questions"]
    assert result["questions_ratio"] <= 0.6
    assert result["same_level"] == 1.0
