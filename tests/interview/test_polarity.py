"""The learned negation polarity (interview/polarity.py): one generic cue, a reader of what the negation means."""

from __future__ import annotations

import re

import pytest

from aismm_assistant.interview import polarity
from aismm_assistant.interview.signals import detect


@pytest.mark.parametrize(("name", "pattern", "example"), polarity.STRUCTURE)
def test_every_structural_feature_fires_on_its_generic_example(name, pattern, example):
    feats = dict(zip(polarity.FEATURES, polarity.structure(example), strict=True))
    assert feats[name] == 1.0, (name, example)
    assert re.search(pattern, "The team reviews the register every month.", re.I) is None or name in (
        "universal",), name


@pytest.mark.parametrize("text", ["We do not keep them.", "There's no register.", "Nobody owns it.",
                                  "It has never been tested.", "We can't tell.", "No one checks.",
                                  "Nothing leaves the VPC.", "Neither team has one."])
def test_the_one_cue_finds_negations_with_contractions_written_out(text):
    from aismm_assistant.interview.text import expand_contractions

    assert polarity.negation(expand_contractions(text))


@pytest.mark.parametrize("text", ["The register is reviewed monthly.", "Notes are kept in the wiki.",
                                  "We know the owners.", "Nonetheless it runs nightly."])
def test_the_cue_does_not_fire_on_words_that_only_contain_a_negation(text):
    assert not polarity.negation(text)


def test_the_table_decides_the_polarity_of_a_negated_sentence():
    absent, enforced = "We do not review the prompts.", "Nothing ships to production unsigned."
    with polarity.readings({absent: 0.8, enforced: 0.2}):
        assert detect(absent).negated
        assert not detect(enforced).negated
    with polarity.readings({absent: 0.3, enforced: 0.7}):
        assert not detect(absent).negated
        assert detect(enforced).negated
    assert polarity._OVERRIDE == []  # the table is gone after the block


def test_a_sentence_without_a_negation_is_never_read_as_absence():
    text = "The register is reviewed every month by the model owners."
    with polarity.readings({text: 1.0}):
        assert not detect(text).negated


def test_without_a_reading_a_negation_reads_as_absence():
    with polarity.readings({}):
        assert detect("We do not review the prompts.").negated


@pytest.mark.skipif(polarity.load() is None, reason="no trained polarity reader")
@pytest.mark.parametrize(("text", "gap"), [
    ("We do not have an inventory of our models.", True),
    ("Nobody reviews what the assistant is allowed to do.", True),
    ("There is no documented process for that yet.", True),
    ("We have never tested the chatbot against prompt injection.", True),
    ("No model reaches production without a signed approval from the review board.", False),
    ("Users cannot switch the content filter off; it is enforced at the gateway.", False),
])
def test_the_shipped_reader_tells_absence_from_enforcement(text, gap):
    p = polarity.gap_probability(text)
    assert p is not None
    assert (p >= polarity.GAP_AT) is gap, (text, p)


def test_the_weights_file_must_match_the_features(tmp_path):
    bad = tmp_path / "p.json"
    bad.write_text('{"features": ["not"], "full": [], "structure": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="other features"):
        polarity.load(str(bad))
