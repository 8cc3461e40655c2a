"""Reading rules that do not depend on one author's phrasing: a sentence in, a status (or signal) out."""

from __future__ import annotations

import pytest

from aismm_assistant.corpus import get_category
from aismm_assistant.interview.analysis import TurnInput, analyse, sentence_status
from aismm_assistant.interview.screening import injection_reason
from aismm_assistant.interview.signals import Thresholds, detect, shortfall
from aismm_assistant.interview.text import content_stems, percentages


def _statuses(cat: str, answer: str, question: str | None = None) -> dict[str, str]:
    prop = analyse(get_category(cat), [TurnInput(answer=answer, question=question)], None)
    return {cid: p.status for cid, p in prop.controls.items() if p.status not in ("unknown", "not_applicable")}


def test_shared_category_words_do_not_attribute_a_sentence_to_a_sibling_objective():
    got = _statuses("GOV", "We published a version-controlled AI acceptable use policy in March 2024; "
                           "95% of staff attested to it within the year.")
    assert got.get("GOV-02.1") == "met"
    assert "GOV-05.1" not in got and "GOV-02.2" not in got


def test_an_answer_about_something_else_does_not_satisfy_the_question_asked():
    q = "Who owns AI use, and where does a team go to get a new AI tool approved?"
    got = _statuses("GOV", "We published a version-controlled AI acceptable use policy in March 2024; "
                           "95% of staff attested to it within the year.", q)
    assert got.get("GOV-02.2") != "met"


@pytest.mark.parametrize("text, share", [
    ("Thirty-six of thirty-nine apps route through the gateway.", 92.3),
    ("Nine out of ten teams use it.", 90.0),
    ("About four-fifths of all serving runs through it.", 80.0),
    ("Two of three vendors have signed.", 66.7),
    ("It covers roughly four in ten of the objectives we track.", 40.0),
    ("Together they cover all but about two percent of managed users.", 98.0),
    ("36 of 39 production deployments are registered.", 92.3),
])
def test_shares_written_in_words_are_read(text, share):
    assert share in percentages(text)


def test_which_one_of_a_set_is_not_a_share():
    assert percentages("All 48 GPU nodes are in the inventory, each mapped to one of the two clusters.") == []


def test_shares_compare_with_the_objectives_own_number():
    th = Thresholds(90.0, None)
    assert shortfall(detect("Thirty-six of thirty-nine apps route through it."), th) is None
    assert shortfall(detect("About four-fifths of the staff have attested."), th)


@pytest.mark.parametrize("sentence", [
    pytest.param("The City Auditor's office has AI governance on its fiscal 2027 audit plan.",
                 marks=pytest.mark.xfail(strict=True, reason="the learned family reader (phase 8) misreads this generic sentence that a removed phrase list read: docs/interview.md, phase 8")),
    "We've started pulling the records together for them.",
    pytest.param("We built an auto-revoke and it is hopefully live in the new year.",
                 marks=pytest.mark.xfail(strict=True, reason="the learned family reader (phase 8) misreads this generic sentence that a removed phrase list read: docs/interview.md, phase 8")),
    pytest.param("A quarterly review is something we keep saying we should start.",
                 marks=pytest.mark.xfail(strict=True, reason="the learned family reader (phase 8) misreads this generic sentence that a removed phrase list read: docs/interview.md, phase 8")),
])
def test_plans_written_differently_are_still_plans(sentence):
    assert detect(sentence).planned


@pytest.mark.parametrize("sentence", [
    "It'd go through our normal incident response plan.",
    "Severity is the same matrix we use for everything.",
    "The service desk, same as a password reset.",
])
def test_general_it_controls_do_not_meet_ai_objectives(sentence):
    assert sentence_status(detect(sentence), Thresholds(None, None))[0] == "not_met"


def test_general_wording_that_names_the_ai_part_is_not_generic():
    assert not detect("Our normal incident response plan has a chapter on prompt injection.").generic


@pytest.mark.parametrize("sentence", [
    "Nothing in there about AI.",
    "Everyone signs the technology policy at hire, but it doesn't mention AI anywhere.",
])
def test_a_document_that_says_nothing_about_ai_is_absence(sentence):
    assert detect(sentence).negated


def test_a_negative_giving_a_reason_is_not_absence():
    assert not detect('Each entry has an EU AI Act tier field we set to "not applicable" because we have '
                      "no EU users.").negated


@pytest.mark.parametrize("sentence", [
    "Production accounts use security groups and PrivateLink limited to declared dependencies.",
    "The merchant agent and the copilot - the only two things in production that call tools - emit spans.",
    "Outbound goes through the proxy to an allow-list: our mirrors and a couple of sequence databases.",
    "Every line has a named owner, mostly in my office or the CPO's.",
])
def test_scope_statements_are_not_coverage_gaps(sentence):
    assert not detect(sentence).partial


@pytest.mark.xfail(strict=True, reason="the learned polarity reader (phase 6) misreads this generic sentence: docs/interview.md, phase 6")
def test_all_but_a_named_gap_is_partial():
    sig = detect("The agent is on all eleven hosts and scans continuously, but the container images aren't scanned.")
    assert sentence_status(sig, Thresholds(None, None))[0] == "partial"


@pytest.mark.parametrize("sentence", [
    "We've done two AI tabletops this year, I think.",
    "I believe the gateway logs every prompt to Splunk.",
])
def test_hedged_statements_never_count_as_met(sentence):
    assert sentence_status(detect(sentence), Thresholds(None, None))[0] != "met"


def test_not_yet_answers_the_question_asked():
    q = "Has anyone independent checked whether your AI policies are actually followed?"
    prop = analyse(get_category("CMP"), [TurnInput("Not yet.", q)], None)
    assert prop.controls["CMP-04.2"].status == "not_met"


def test_british_and_american_spelling_match_alike():
    assert content_stems("organisation authorised licence catalogue behaviour") == content_stems(
        "organization authorized license catalog behavior")


@pytest.mark.parametrize("text", [
    "The plan defines prompt injection, data leakage through the chatbot and model misuse.",
    "Every model change runs Promptfoo - jailbreaks, injection and system prompt leakage - against thresholds.",
])
def test_ai_security_vocabulary_is_testimony_not_injection(text):
    assert injection_reason(text) is None
