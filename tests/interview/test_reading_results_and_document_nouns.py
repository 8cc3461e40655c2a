"""Round-4 reading rules (docs/interview.md): the result of a control, exclusivity, a shortfall that never
happened, causal "since", and "plan"/"list" as nouns for documents and registers. Sentence in, status out."""

from __future__ import annotations

import pytest

from aismm_assistant.interview.analysis import sentence_status
from aismm_assistant.interview.signals import Thresholds, detect

OPEN = Thresholds(None, None)


def status(sentence: str, th: Thresholds = OPEN) -> str:
    return sentence_status(detect(sentence), th)[0]


@pytest.mark.parametrize("sentence", [
    # a negative that states the result of an enforced setting is prevention, not absence
    "All seats sit behind Okta SSO and personal logins are blocked at the gateway, so there's no way to use a "
    "personal account on company code.",
    "Privacy mode is forced org-wide in the tenant, so nothing is kept or trained on.",
    # exclusivity is a restriction
    "The admission controller only admits digests the registry marked approved, and there's nothing else anyone "
    "could call.",
    # a shortfall that never happened is sustained performance
    pytest.param("Last month 58 of 60 high-severity alerts were picked up inside the hour, and we haven't dipped under "
                 "95 since we started measuring.", marks=pytest.mark.xfail(strict=True, reason="the learned polarity reader (phase 6) misreads this generic sentence: docs/interview.md, phase 6")),
    # a causal "since" clause gives a reason
    "The clusters are locked down, and since we're air-gapped there's nothing to reach from outside.",
])
def test_prevention_and_sustained_performance_are_met(sentence):
    assert status(sentence) == "met"


@pytest.mark.parametrize("sentence", [
    # the consequence of a gap stays absence: the clause before "so" enforces nothing
    "The version changes came through the alias, so nobody tested anything.",
    "We bought the tool last year, so there's no excuse, but nobody has turned it on.",
    "Nothing stops them.",
])
def test_consequences_of_gaps_stay_absent(sentence):
    assert status(sentence) == "not_met"


@pytest.mark.parametrize("sentence", [
    "Pass marks are written in the test plan up front and the report is attached to the model version.",
    "Both tools are on the Business plan with SSO for every seat.",
    "Conftest policies fail the plan for a public load balancer on an inference service.",
    "Dana from enterprise applications is on the escalation list as our AI contact.",
    "The two legacy boxes are on the exception list with an owner each.",
    "Each provider has a signed DPA my team reviewed before first use, looking at prompt retention and training use.",
    "Secret hits fell the next quarter from 2.1 to 0.6 per thousand pull requests.",
])
def test_plan_and_list_as_document_nouns_are_not_intentions(sentence):
    assert not detect(sentence).planned


@pytest.mark.parametrize("sentence", [
    "It's on our plan for Q4.",
    "It's on its fiscal 2027 audit plan.",
    "It is on my list.",
    "We're looking at Promptfoo.",
    "The plan for next year is a central register.",
    "We have plans for a register.",
    "We'll add it next quarter.",
])
def test_plans_of_work_stay_intentions(sentence):
    assert detect(sentence).planned
    assert status(sentence) == "not_met"
