"""Round-7 reading rules (docs/interview.md): doubt that names a gap, trials and plans in other words, nobody holding a
credential, settings limited to named targets, whose obligations a control serves, manual work in the passive.
Sentence in, status out."""

from __future__ import annotations

import pytest

from aismm_assistant.interview.analysis import sentence_status
from aismm_assistant.interview.signals import Thresholds, detect

OPEN = Thresholds(None, None)
AUTOMATED = Thresholds(None, None, automated=True)


def status(sentence: str, th: Thresholds = OPEN) -> str:
    return sentence_status(detect(sentence), th)[0]


@pytest.mark.parametrize("sentence", [
    "They sit in private segments and only the service identity can connect, with credentials issued by Vault - "
    "nobody has a shared admin key.",
    "Internally there's a written admin baseline for both: connectors limited to SharePoint and Jira, no third-party "
    "GPTs, file upload allowed.",
    "The contract register tracks the AI clauses some of our institutional clients put in their agreements.",
])
def test_restrictions_and_scope_are_met(sentence: str) -> None:
    assert status(sentence) == "met"


@pytest.mark.parametrize("sentence", [
    "There's a Kong AI Gateway instance in the test environment that two teams are trying out.",
    "Today each app connects directly; the plan is that from the first quarter every new AI app goes through it.",
])
def test_trials_and_plans_in_other_words_are_not_met(sentence: str) -> None:
    assert status(sentence) == "not_met"


def test_doubt_about_one_part_is_a_gap_not_unknown() -> None:
    assert status("The admission policies on the OpenShift clusters are in Git, but if someone edited one directly "
                  "I'm not sure we'd be told.") == "partial"
    assert status("I'm not sure, I'd have to check.") == "unknown"


def test_manual_work_in_the_passive() -> None:
    assert status("The bypass rate and incidents per deployment are typed into the pack by the platform team.",
                  AUTOMATED) == "not_met"


def test_unchanged_readings() -> None:
    assert status("Nobody has a runbook for it.") == "not_met"
    assert status("It only covers the chatbot repo.") == "partial"
