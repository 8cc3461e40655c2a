"""General rules of the third round (docs/interview.md): sentence in, status out."""

from __future__ import annotations

import pytest

from aismm_assistant.corpus import get_category
from aismm_assistant.interview.analysis import Evidence, TurnInput, _turn_verdict, analyse, matcher_for
from aismm_assistant.interview.signals import detect, negative_exemplars
from aismm_assistant.interview.text import percentages


def _status(cat: str, cid: str, answer: str) -> str:
    prop = analyse(get_category(cat), [TurnInput(answer=answer, question_controls=(cid,))], None)
    return prop.controls[cid].status


# ---- what the objective's own description says does not count

def test_negative_exemplars_are_read_from_the_description_generically():
    ex = negative_exemplars("Context sentence. A list on a wiki that procurement never consults does not meet the "
                            "objective. A yearly penetration test, however good, or simulations that never check the "
                            "SOC's response, do not meet the objective. A filter that only logs does not count, nor "
                            "does relying on the model's built-in refusals.")
    assert {"wiki", "procur"} <= ex[0]
    assert any("penetr" in e for e in ex) and any("simul" in e for e in ex)
    assert any("refusal" in e for e in ex)  # the "nor does ..." alternative
    assert not any("howev" in e or "objectiv" in e for e in ex)


def test_a_sentence_describing_a_stated_counter_example_is_not_met():
    # IR-03.3: "A Slack channel where people share interesting articles, with no record of decisions, does not meet"
    assert _status("IR", "IR-03.3", "People share articles in a Teams channel now and then.") == "not_met"


def test_the_counter_example_must_match_more_than_the_objective_itself():
    m = matcher_for(get_category("DEV"))
    # shares "dataset", "model", "list" with DEV-03.1's counter-example, but those are the objective's own words
    assert not m.resembles_shortfall("DEV-03.1", "The entries name every model and dataset with versions and list "
                                                 "the providers and API versions.")


# ---- aggregation inside one turn

def _ev(status: str, raw: float, score: float | None = None) -> Evidence:
    return Evidence(0, "x", score if score is not None else raw, raw, status, detect("x"))


def test_an_absence_statement_about_the_core_dominates_context_sentences():
    # "We had a penetration test last year." (weak, context) + "We haven't run any attack simulation." (the core)
    verdict = _turn_verdict([_ev("met", 6.0, 22.0), _ev("not_met", 21.0, 30.0)])
    assert verdict[0] == "not_met"


def test_a_control_in_place_with_a_named_missing_part_stays_partial():
    # both halves are about the objective itself: one part in place, one absent
    verdict = _turn_verdict([_ev("met", 14.0, 19.0), _ev("not_met", 22.0, 33.0)])
    assert verdict[0] == "partial"


# ---- reading rules generalised

@pytest.mark.parametrize("sentence", [
    "There were no unowned keys at the last check.",
    "We found zero unregistered agents in the last scan.",
    "Any regression blocks promotion - there's no manual path to production.",
])
def test_no_before_a_privative_word_or_an_escape_hatch_is_enforcement(sentence):
    assert not detect(sentence).negated


def test_no_unit_is_still_absence():
    assert detect("There is no unit test for the prompts.").negated


@pytest.mark.parametrize("sentence", [
    "Local authentication is off apart from one break-glass account per tenant.",
    "The fraud models run only on the EKS GPU node group in the ml-prod account.",
])
def test_restrictions_in_other_words_are_not_coverage_gaps(sentence):
    assert not detect(sentence).partial


def test_every_one_of_a_set_is_all_of_it_not_one_in_n():
    assert percentages("Every one of the four production apps calls its model through our proxy.") == []
    assert percentages("One of the four apps logs prompts.") == [25.0]
