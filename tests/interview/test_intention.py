"""The learned intention reader (interview/intention.py): one generic plan cue, a reader of whether the sentence
states an intention or a control in place that uses one of the cue's words."""

from __future__ import annotations

import pytest

from aismm_assistant.interview import intention
from aismm_assistant.interview.signals import detect
from aismm_assistant.interview.text import expand_contractions


@pytest.mark.parametrize(("name", "pattern", "example"), intention.STRUCTURE)
def test_every_structural_feature_fires_on_its_generic_example(name, pattern, example):
    feats = dict(zip(intention.FEATURES, intention.INTENTION.structure(example), strict=True))
    assert feats[name] == 1.0, (name, example)
    assert feats["intention position"] >= 0.0


@pytest.mark.parametrize("text", ["We plan to put a gateway in front of it.", "We'll add MFA next quarter.",
                                  "The policy is still being drafted.", "It's on the roadmap.",
                                  "We are evaluating two vendors.", "It is not live yet.",
                                  "The tool is in the budget request."])
def test_the_one_cue_finds_plan_words_with_contractions_written_out(text):
    assert intention.cue(expand_contractions(text))


@pytest.mark.parametrize("text", ["The gateway sits in front of the chatbot.", "The register is reviewed monthly.",
                                  "Planet-scale logging is in place.", "Everyone attested last year."])
def test_the_cue_does_not_fire_without_a_plan_word(text):
    assert not intention.cue(text)


def test_the_table_decides_whether_a_plan_word_states_an_intention():
    plan, document = "We plan to add MFA to the console.", "The incident response plan names an owner."
    with intention.INTENTION.readings({plan: 0.8, document: 0.2}):
        assert detect(plan).planned
        assert not detect(document).planned
    with intention.INTENTION.readings({plan: 0.3, document: 0.7}):
        assert not detect(plan).planned
        assert detect(document).planned
    assert intention.INTENTION.override == []


def test_a_sentence_without_a_plan_word_is_never_an_intention():
    text = "The gateway blocks every unregistered model."
    with intention.INTENTION.readings({text: 1.0}):
        assert not detect(text).planned


def test_without_a_reading_a_plan_word_reads_as_an_intention():
    with intention.INTENTION.readings({}):
        assert detect("We plan to add MFA to the console.").planned


@pytest.mark.skipif(intention.INTENTION.load() is None, reason="no trained intention reader")
@pytest.mark.parametrize(("text", "gap"), [
    ("We plan to put an AI gateway in front of the chatbot next quarter.", True),
    ("The AI acceptable-use policy is still being drafted by legal.", True),
    ("We are evaluating two vendors for model scanning.", True),
    ("Red-teaming of the assistant is on the roadmap for next year.", True),
    ("The incident response plan has a section for AI incidents with a named owner, and we exercise it twice "
     "a year.", False),
])
def test_the_shipped_reader_tells_intentions_from_controls_in_place(text, gap):
    p = intention.INTENTION.gap_probability(text)
    assert p is not None
    assert (p >= intention.GAP_AT) is gap, (text, p)
