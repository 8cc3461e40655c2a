"""Incremental analysis: each answer is read once; one more answer never changes how earlier ones were read.

The cost of one answer must not grow with the transcript (benchmarks/bench_interview.py prints the times); here
we check that the memo behind it gives exactly the proposal a from-scratch analysis gives.
"""

from __future__ import annotations

from pathlib import Path

from aismm_assistant.corpus import get_category
from aismm_assistant.evals.golden import load_golden
from aismm_assistant.interview import analysis

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "interview_golden_dev.yaml"


def _case():
    g = load_golden(GOLDEN)
    return get_category("DEV"), g.categories["DEV"].turns, g.scope


def test_incremental_proposals_equal_from_scratch_ones():
    cat, turns, scope = _case()
    incremental = []
    analysis.clear_turn_cache()
    for n in range(1, len(turns) + 1):
        incremental.append(analysis.analyse(cat, turns[:n], scope).as_dict())
    for n in range(1, len(turns) + 1):
        analysis.clear_turn_cache()
        assert analysis.analyse(cat, turns[:n], scope).as_dict() == incremental[n - 1]


def test_an_earlier_answer_is_not_read_again():
    cat, turns, scope = _case()
    analysis.clear_turn_cache()
    app_ids = frozenset(c.id for c in cat.controls if c.applies_to(scope))
    analysis.analyse(cat, turns[:2], scope)
    first = analysis.analyse_turn(cat, 0, turns[0], app_ids)
    analysis.analyse(cat, turns, scope)
    assert analysis.analyse_turn(cat, 0, turns[0], app_ids) is first


def test_a_changed_answer_is_read_afresh():
    cat, turns, scope = _case()
    base = analysis.analyse(cat, turns, scope)
    edited = [*turns[:-1], type(turns[-1])(answer="I don't know, I'd have to check.", question=turns[-1].question)]
    again = analysis.analyse(cat, edited, scope)
    assert base.as_dict() != again.as_dict()
    assert all(c["quote"] in edited[c["turn"]].answer for p in again.controls.values() for c in p.citations)
