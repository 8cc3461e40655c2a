"""The lexicon inventory (evals/lexicon.py) counts alternatives and finds the ones fitted to one sentence."""

from __future__ import annotations

import re

from aismm_assistant.evals.lexicon import inventory_pattern, parse_groups


def test_groups_and_alternatives_are_found_outside_character_classes():
    groups = parse_groups(r"\b(?:we plan|in the ask|[|a]b)\b|nothing(?! exposed)")
    assert [len(g.splits) for g in groups] == [1, 2, 0]
    assert groups[2].lookaround and groups[2].negative


def test_an_alternative_fitted_to_one_sentence_is_flagged():
    pattern = re.compile(r"\b(?:we plan to|next quarter|in the ask)\b|nothing(?! exposed)", re.I)
    sentences = ["We plan to publish it.", "We plan to buy one.", "It is next quarter.", "Two FTE are in the ask.",
                 "Nothing exposed to the internet.", "Nothing is logged."]
    count, alts = inventory_pattern("x", pattern, sentences)
    assert count == 4
    by_text = {a.text: a for a in alts}
    assert by_text["we plan to"].hits == 2 and not by_text["we plan to"].one_sentence_fit
    assert by_text["in the ask"].one_sentence_fit and by_text["next quarter"].one_sentence_fit
    assert by_text["(?! exposed)"].lookaround and by_text["(?! exposed)"].one_sentence_fit
