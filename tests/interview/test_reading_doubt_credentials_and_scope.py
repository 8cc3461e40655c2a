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


# The round-7 rules for "trying it out", "the plan is that" and manual work in the passive were one-sentence fits;
# issue 11 removed them (docs/interview.md, lexicon reduction).


def test_doubt_about_one_part_is_a_gap_not_unknown() -> None:
    assert status("The admission policies on the OpenShift clusters are in Git, but if someone edited one directly "
                  "I'm not sure we'd be told.") == "partial"
    assert status("I'm not sure, I'd have to check.") == "unknown"


def test_unchanged_readings() -> None:
    assert status("Nobody has a runbook for it.") == "not_met"


@pytest.mark.xfail(strict=True, reason="the learned family reader (phase 8) misreads this generic sentence that a removed phrase list read: docs/interview.md, phase 8")
def test_a_short_coverage_limit_is_partial() -> None:
    assert status("It only covers the chatbot repo.") == "partial"
