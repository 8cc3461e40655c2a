"""General reading rules of the offline engine: negation scope, restrictions, plans, bare yes/no, automation."""

from __future__ import annotations

import pytest

from aismm_assistant.corpus import get_category
from aismm_assistant.interview.analysis import TurnInput, analyse, sentence_status
from aismm_assistant.interview.signals import Thresholds, detect
from aismm_assistant.interview.text import sentences


@pytest.mark.parametrize("sentence", [
    "The configuration is in Git, but nothing automatically blocks a bad change.",
    "Nothing stops them.",
    "We have a vault for central IT services, but no AI keys are in it yet.",
    "We haven't looked at OAuth grants for AI apps.",
    "For the new model I spent a day on jailbreaks, but we never wrote down pass criteria.",
    "I think the provider has an audit log, but we've never turned it on.",
    "Neither has a proper runbook yet.",
    "Nobody prunes permissions and nobody has compared the list with usage.",
])
def test_missing_controls_are_read_as_absent(sentence):
    assert detect(sentence).negated


@pytest.mark.parametrize("sentence", [
    "The bot can't close a ticket without the user confirming.",
    "Tenant data is never written into prompts.",
    "Nobody is allowed to use a personal account on company repositories.",  # read right since phase 7
    "Field engineers can't change any of it from the app.",
])
def test_enforcement_phrased_negatively_is_not_absence(sentence):
    assert not detect(sentence).negated


@pytest.mark.parametrize("sentence", [
    "Only two platform engineers have console access to the index.",
    "The gateway only routes to model IDs in the registry.",
    "Local logins were disabled in March except one break-glass admin.",
    "A policy denies AI services everywhere except five subscriptions on an exemption list.",
])
def test_restrictions_are_controls_not_coverage_gaps(sentence):
    assert not detect(sentence).partial


def test_coverage_limits_stay_partial():
    assert detect("It only covers firm laptops, so remote staff bypass it.").partial


@pytest.mark.xfail(strict=True, reason="the learned family reader (phase 8) misreads this generic sentence that a removed phrase list read: docs/interview.md, phase 8")
def test_a_product_named_coverage_limit_is_partial():
    assert detect("Dependabot is on only for the chatbot repo.").partial


@pytest.mark.parametrize("sentence", [
    "We're drafting a standard that would require it.",
    "We'd like to add a monthly review.",
    "A red-team vendor is booked for November.",
    "Building an AI use-case library is in our plan for Q4.",
    "We've talked about scoring each action for risk, but nothing is built.",
])
def test_intentions_are_planned(sentence):
    assert detect(sentence).planned


def test_descriptive_words_are_not_plans():
    assert not detect("The drafting assistant falls back to a second region where we hold quota.").planned
    assert not detect("We added a hook and the rate dropped to parity by the next quarter.").planned


def test_bare_no_is_its_own_sentence_and_earns_nothing():
    spans = sentences("No. The inference gateway rejects unregistered models. Form No. 5 lists them.")
    assert [s.text for s in spans][:2] == ["No.", "The inference gateway rejects unregistered models."]
    assert "Form No. 5 lists them." in [s.text for s in spans]


def test_manual_work_does_not_meet_an_automated_objective():
    auto = Thresholds(None, None, automated=True)
    manual = detect("Review dates live in the registry, but somebody has to run a report and chase owners by hand.")
    assert sentence_status(manual, auto)[0] == "not_met"
    mixed = detect("One auto-remediation flips public access back off, but everything else is fixed manually.")
    assert sentence_status(mixed, auto)[0] == "partial"
    assert sentence_status(manual, Thresholds(None, None))[0] != "not_met"


def test_weaker_later_turn_with_same_verdict_does_not_weaken_the_proposal():
    q = "Which AI coding assistants are your developers allowed to use, and where are the rules written down?"
    strong = ("GitHub Copilot Business is the approved assistant. The secure coding standard for AI assistants is "
              "on Confluence, owned by AppSec and reviewed in April. 93% of licensed developers have acknowledged it.")
    aside = "Actually, the standard page also links to the AppSec wiki."
    cat = get_category("DEV")
    one = analyse(cat, [TurnInput(strong, q)], None).controls["DEV-02.1"]
    two = analyse(cat, [TurnInput(strong, q), TurnInput(aside, "Anything else?")], None).controls["DEV-02.1"]
    assert one.status == "met"
    assert two.status == "met"
    assert two.confidence >= one.confidence - 1e-9
