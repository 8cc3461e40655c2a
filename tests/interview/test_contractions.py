"""Status signals read a sentence with its contractions written out, so each signal names one form."""

from __future__ import annotations

import pytest

from aismm_assistant.interview.signals import detect
from aismm_assistant.interview.text import expand_contractions


@pytest.mark.parametrize("written, expanded", [
    ("We don't track it.", "We do not track it."),
    ("They haven’t, and we can't say.", "They have not, and we cannot say."),
    ("We've got one; I'm sure; they're late; we'll see.", "We have got one; I am sure; they are late; we will see."),
    ("It won't run and it doesnt log.", "It will not run and it does not log."),
    # "'s" after a pronoun that cannot own anything is "is" or "has"
    ("Nothing's written down and there's been no review.", "Nothing is written down and there has been no review."),
    # ambiguous clitics stay as written: "'s" after a noun (is / has / possessive), "'d" (had / would)
    ("The team's register, we'd keep it.", "The team's register, we'd keep it."),
])
def test_contractions_are_written_out(written, expanded):
    assert expand_contractions(written) == expanded


@pytest.mark.parametrize("sentence", [
    "We do not review the prompts.",
    "We don't review the prompts.",
    "We dont review the prompts.",
    "We doesn’t review the prompts.",
])
def test_a_negation_reads_the_same_in_every_spelling(sentence):
    assert detect(sentence).negated
