"""'A, not B': absence for an objective about B, coverage for an objective about A."""

from __future__ import annotations

from aismm_assistant.interview.analysis import contrast_excludes
from aismm_assistant.interview.text import content_stems

IDF = {s: 1.0 for s in content_stems("tool call arguments agent prompt response log")}
TOOL_CALLS = frozenset(content_stems("every tool call and its arguments made by an agent is logged"))
PROMPTS = frozenset(content_stems("prompts and responses are logged"))


def test_the_excluded_part_is_the_objective():
    sentence = "We keep the prompts and the replies, not the tool calls or their arguments."
    assert contrast_excludes(TOOL_CALLS, IDF, sentence)


def test_the_covered_part_is_the_objective():
    sentence = "We keep the prompts and the responses, not the tool calls."
    assert not contrast_excludes(PROMPTS, IDF, sentence)


def test_no_contrast_no_reading():
    assert not contrast_excludes(TOOL_CALLS, IDF, "Every tool call is logged with its arguments.")
