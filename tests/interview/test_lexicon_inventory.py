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


def test_pruning_drops_what_no_sentence_fires_through_and_keeps_every_match():
    from aismm_assistant.evals.lexicon import prune_pattern

    pattern = re.compile(r"\b(?:we plan to|next (?:quarter|fortnight)|in the ask)\b|\bbut no\b(?! (?:one|more)\b)"
                         r"|\bno one\b", re.I)
    sentences = ["We plan to publish it.", "We plan to buy one.", "It is next quarter.", "Legal came, but no one from HR.",
                 "Legal came, but no HR.", "Nothing else."]
    pruned = prune_pattern(pattern, sentences)
    assert "in the ask" not in pruned.pattern and "fortnight" not in pruned.pattern
    # the exception that moves a match ("but no one" is read at "no one", not at "but no") stays
    assert "(?! (?:one)" in pruned.pattern
    assert [[m.span() for m in pruned.finditer(s)] for s in sentences] == \
        [[m.span() for m in pattern.finditer(s)] for s in sentences]
    # one-sentence fits go only when asked for
    assert "next" in pruned.pattern and "next" not in prune_pattern(pattern, sentences, drop=1).pattern


def test_a_pruned_source_is_written_back_as_the_same_regex():
    from aismm_assistant.evals.lexicon import as_python

    src = r"\b(?:don't|do not)\s+\w+|" * 12 + r"\"quoted\"|x\\"
    assert eval("(" + as_python(src) + ")") == src  # noqa: S307 - our own literal


def test_a_repeated_alternative_goes():
    from aismm_assistant.evals.lexicon import prune_pattern

    pattern = re.compile(r"\b(?:do not|cannot|do not) (?:track|know)\b", re.I)
    sentences = ["We do not track it.", "We cannot know.", "We do not know."]
    assert prune_pattern(pattern, sentences).pattern == r"\b(?:do not|cannot) (?:track|know)\b"
