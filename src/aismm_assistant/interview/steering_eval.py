"""How well screening catches steering attempts on golden cases whose turns are marked `steering: true`.

Recall is over marked turns (a turn counts as caught when at least one of its sentences is flagged); a
false flag is a case with a flag on a turn that is not marked. Screening is the same in offline and LLM
mode, so these figures need no replay.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aismm_assistant.interview.screening import screen_answer


def steering_scores(cases: Iterable[Any]) -> dict:
    """Score screening over golden cases (objects with `turns` and `steering_turns`).

    Returns recall over marked turns, how many cases had any flag, how many had a flag on an unmarked
    turn, the number of cases, and the misses / false flags themselves for inspection.
    """
    marked = caught = flagged_cases = false_cases = n = 0
    missed: list[dict] = []
    false_flags: list[dict] = []
    for case in cases:
        n += 1
        steering = set(getattr(case, "steering_turns", ()) or ())
        any_flag = any_false = False
        for i, turn in enumerate(case.turns):
            flags = screen_answer(turn.answer or "", i)[1]
            any_flag = any_flag or bool(flags)
            if i in steering:
                marked += 1
                if flags:
                    caught += 1
                else:
                    missed.append({"category": case.category, "turn": i})
            elif flags:
                any_false = True
                false_flags.extend({"category": case.category, **f.as_dict()} for f in flags)
        flagged_cases += any_flag
        false_cases += any_false
    return {
        "recall": round(caught / marked, 4) if marked else None,
        "marked_turns": marked,
        "caught_turns": caught,
        "flagged_cases": flagged_cases,
        "false_flag_cases": false_cases,
        "false_flag_rate": round(false_cases / n, 4) if n else 0.0,
        "cases": n,
        "missed": missed,
        "false_flags": false_flags,
    }
