"""CI guard: the offline engine on evals/golden must stay above the floor in evals/thresholds.yaml."""

from __future__ import annotations

import pytest
import yaml

from aismm_assistant.evaluation import evaluate
from tests.support import PROJECT

ROOT = PROJECT
GOLDEN = ROOT / "evals" / "golden"


@pytest.mark.skipif(not any(GOLDEN.glob("*.yaml")), reason="no golden files yet")
def test_offline_engine_meets_the_floor():
    floor = yaml.safe_load((ROOT / "evals" / "thresholds.yaml").read_text())
    result = evaluate(GOLDEN)
    below = {k: (result[k], v) for k, v in floor.items() if result[k] < v}
    assert not below, f"below the CI floor (measured, floor): {below}"


def test_adaptive_questioning_uses_at_most_60_percent_of_questions():
    from aismm_assistant.interview.simulate import simulate

    result = simulate(str(ROOT / "tests" / "data" / "interview_golden_dev.yaml"))
    assert result["adaptive_questions"] < result["all_questions"]
    assert result["questions_ratio"] <= 0.6
    assert result["same_level"] == 1.0
