"""Offline answer analysis: statuses from real signals, verbatim citations, abstention."""

from __future__ import annotations

import pytest

from aismm_assistant.corpus import get_category
from aismm_assistant.evals.replay import replay_file
from aismm_assistant.interview.analysis import TurnInput, analyse
from aismm_assistant.interview.signals import detect, objective_thresholds, shortfall
from tests.support import DATA

Q_POLICY = "Which AI coding assistants are your developers allowed to use, and where are the rules written down?"


def _dev(answer: str, question: str = Q_POLICY, scope=("API/SaaS",)) -> dict:
    prop = analyse(get_category("DEV"), [TurnInput(answer=answer, question=question)], list(scope))
    return prop.controls["DEV-02.1"]


def test_clear_answer_with_specifics_is_met_with_verbatim_quote():
    answer = ("GitHub Copilot Business is the approved assistant. The secure coding standard for AI assistants is "
              "on Confluence, owned by AppSec and reviewed in April. 93% of licensed developers have acknowledged it.")
    p = _dev(answer)
    assert p.status == "met"
    assert p.confidence >= 0.5
    assert p.citations and all(c["quote"] in answer and c["turn"] == 0 for c in p.citations)


@pytest.mark.parametrize("answer", [
    "We plan to write a coding assistant standard next quarter; for now developers pick their own tools.",
    "A standard for coding assistants is being drafted by AppSec and should be published by Q3.",
    "We're piloting Copilot with one team and the rules for the assistant are in a pilot wiki page.",
    "There is no standard for coding assistants; the general IT acceptable use policy is all we have.",
])
def test_planned_piloted_or_absent_never_counts_as_met(answer):
    assert _dev(answer).status in {"not_met", "partial"}
    assert _dev(answer).status != "met"


def test_threshold_below_the_objective_is_partial():
    answer = ("The coding assistant standard is on Confluence, owned by AppSec and reviewed in April, "
              "but only about 60% of licensed developers have acknowledged it.")
    p = _dev(answer)
    assert p.status == "partial"
    assert any("60" in r or "part of" in r for r in p.reasons)


@pytest.mark.parametrize("answer", ["Yes we have that.", "It's handled.", "Sure, we're covered there."])
def test_vague_answers_propose_nothing_met(answer):
    prop = analyse(get_category("DEV"), [TurnInput(answer=answer, question=Q_POLICY)], None)
    assert all(p.status != "met" for p in prop.controls.values())
    assert prop.level == 1


def test_later_turn_overrides_earlier_contradiction():
    first = ("GitHub Copilot Business is the approved assistant and the coding assistant standard on Confluence, "
             "owned by AppSec, was reviewed in April; 95% of licensed developers acknowledged it.")
    second = ("Actually, I was wrong earlier: the coding assistant standard is still a draft and has not been "
              "published, so developers have not acknowledged anything.")
    cat = get_category("DEV")
    before = analyse(cat, [TurnInput(first, Q_POLICY)], None).controls["DEV-02.1"]
    after = analyse(cat, [TurnInput(first, Q_POLICY), TurnInput(second, Q_POLICY)], None).controls["DEV-02.1"]
    assert before.status == "met"
    assert after.status == "not_met"
    assert any(c["turn"] == 1 for c in after.citations)


def test_not_discussed_objective_abstains_with_evidence_to_request():
    p = analyse(get_category("DEV"), [TurnInput("We use Jira for tickets.", "Anything else?")], None)
    assert p.controls["DEV-05.1"].status == "unknown"
    assert p.controls["DEV-05.1"].evidence_request


def test_scope_makes_objectives_not_applicable_and_level_follows_scoring_rule():
    result = replay_file(DATA / "interview_golden_dev.yaml")
    dev = result["categories"]["DEV"]
    assert dev["controls"]["DEV-03.3"]["status"] == "not_applicable"  # Self-hosted only
    assert dev["controls"]["DEV-03.1"]["status"] == "not_met"  # planned next quarter
    assert dev["level"] == 2


def test_a_negated_ability_is_enforcement():  # read right since phase 7 (the "negated ability" feature)
    assert not detect("Nobody can merge around the required checks").negated


def test_signals_compare_numbers_with_the_objective():
    th = objective_thresholds("At least 90% of staff attest within 12 months; false positives stay below 5%.")
    assert th.min_percent == 90
    assert shortfall(detect("About 72% of staff have attested."), th)
    assert shortfall(detect("We are at 67 of 70 people, reviewed annually."), th) is None
    assert detect("We review it quarterly").durations == [91]
    assert detect("We don't keep any list").negated
