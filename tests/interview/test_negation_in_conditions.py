"""A negation inside a condition says when a control acts, not that it is missing."""

from __future__ import annotations

import pytest

from aismm_assistant.interview.signals import detect


@pytest.mark.parametrize("sentence, negated", [
    ("The deploy job fails when the model card isn't signed off.", False),
    ("If a dataset has no owner the pipeline refuses it.", False),
    # the main clause still counts
    ("If the gateway goes down, we don't have a fallback.", True),
    ("We do not log prompts when users are on mobile.", True),
    ("Nothing is checked when the vendor updates the model.", True),
])
def test_negation_inside_a_condition(sentence, negated):
    assert detect(sentence).negated is negated
