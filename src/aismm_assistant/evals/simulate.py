"""Adaptive questioning measured against asking everything, on golden transcripts.

A simulated respondent answers each question with the golden turn most relevant to it: every turn
(its question and answer) is scored with the category's objective matcher against the asked
objective, and the best-scoring turn not yet used for that objective is replayed verbatim; with no
relevant turn left the respondent says they do not know; a question over several objectives gets the
relevant turn of each. Both strategies use the same simulated respondent and the same follow-up rule,
so the comparison isolates what adaptivity changes: which objectives get asked (docs/interview.md).

"Asking everything" is the same assessor without adaptivity: every applicable objective asked in order,
each uncertain or partial reading followed up once, nothing skipped for being settled, no stop. The
figures are also given against the bare count of objectives (one question each).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aismm_assistant.interview.analysis import MIN_MATCH, TurnInput, analyse, matcher_for
from aismm_assistant.interview.questions import (
    DEFAULT_DEPTH,
    all_questions,
    needs_follow_up,
    next_question,
    targeted_follow_up,
)
from aismm_assistant.model import Category

UNKNOWN_ANSWER = "I don't know, I'd have to check."


@dataclass
class SimulationResult:
    category: str
    adaptive_questions: int
    all_questions: int          # asking everything, follow-ups included
    objectives: int             # applicable objectives (one question each)
    adaptive_level: int
    all_level: int
    expected_level: int | None = None
    adaptive_follow_ups: int = 0


def _respond(category: Category, golden: Sequence[TurnInput], control_id: str, used: set[tuple[str, int]]) -> str:
    matcher = matcher_for(category)
    best, best_score = None, MIN_MATCH
    for i, turn in enumerate(golden):
        if (control_id, i) in used:
            continue
        score = matcher.score(f"{turn.question or ''} {turn.answer}").get(control_id, 0.0)
        if score > best_score:
            best, best_score = i, score
    if best is None:
        return UNKNOWN_ANSWER
    used.add((control_id, best))
    return golden[best].answer


def respond(category: Category, golden: Sequence[TurnInput], controls: Sequence[str],
            used: set[tuple[str, int]]) -> str:
    """The simulated answer to a question about `controls`: for a question over several objectives (a scan of
    a level above the shortfall) the relevant turns for each, joined; "I don't know" when none is left."""
    parts: list[str] = []
    for cid in controls:
        text = _respond(category, golden, cid, used)
        if text != UNKNOWN_ANSWER and text not in parts:
            parts.append(text)
    return " ".join(parts) or UNKNOWN_ANSWER


def ask_everything(category: Category, golden: Sequence[TurnInput], scope: list[str] | None) -> list[TurnInput]:
    """Every applicable objective in order, each uncertain or partial reading followed up once."""
    used: set[tuple[str, int]] = set()
    turns: list[TurnInput] = []
    controls = {c.id: c for c in category.controls}
    for q in all_questions(category, scope):
        turns.append(TurnInput(respond(category, golden, q.controls, used), q.text, None, tuple(q.controls)))
        cid = q.controls[0]
        reading = analyse(category, turns, scope).controls.get(cid)
        if needs_follow_up(reading):
            answers = [t.answer for t in turns if cid in t.question_controls]
            text, _ = targeted_follow_up(controls[cid], answers, reading)
            turns.append(TurnInput(respond(category, golden, q.controls, used), text, None, tuple(q.controls)))
    return turns


def simulate_case(category: Category, golden: Sequence[TurnInput], scope: list[str] | None,
                  max_questions: int = 60, depth: int = DEFAULT_DEPTH,
                  expected_level: int | None = None) -> SimulationResult:
    """Ask adaptively and ask everything, answering from the golden transcript; compare the levels."""
    used: set[tuple[str, int]] = set()
    turns: list[TurnInput] = []
    follow_ups = 0
    for _ in range(max_questions):
        proposal = analyse(category, turns, scope)
        q = next_question(category, scope, turns, proposal, depth=depth).question
        if q is None:
            break
        follow_ups += q.kind == "follow_up"
        turns.append(TurnInput(respond(category, golden, q.controls, used), q.text, None, tuple(q.controls)))
    adaptive = analyse(category, turns, scope)
    full = ask_everything(category, golden, scope)
    return SimulationResult(category.id, len(turns), len(full), len(all_questions(category, scope)), adaptive.level,
                            analyse(category, full, scope).level, expected_level, follow_ups)


def summarise(results: Sequence[SimulationResult], depth: int = DEFAULT_DEPTH) -> dict:
    asked = sum(r.adaptive_questions for r in results)
    total = sum(r.all_questions for r in results)
    objectives = sum(r.objectives for r in results)
    n = len(results) or 1
    with_expected = [r for r in results if r.expected_level is not None]
    m = len(with_expected) or 1
    return {
        "cases": len(results),
        "depth": depth,
        "adaptive_questions": asked,
        "adaptive_follow_ups": sum(r.adaptive_follow_ups for r in results),
        "all_questions": total,
        "objectives": objectives,
        "questions_ratio": round(asked / total, 4) if total else 0.0,
        "questions_per_objective": round(asked / objectives, 4) if objectives else 0.0,
        "same_level": round(sum(r.adaptive_level == r.all_level for r in results) / n, 4),
        "adaptive_level_exact": round(sum(r.adaptive_level == r.expected_level for r in with_expected) / m, 4),
        "all_level_exact": round(sum(r.all_level == r.expected_level for r in with_expected) / m, 4),
    }


def simulate(path: str, depth: int = DEFAULT_DEPTH, details: list[SimulationResult] | None = None) -> dict:
    """Adaptive vs ask-everything over every case under `path` (a golden file or folder)."""
    from pathlib import Path

    from aismm_assistant.corpus import get_category, load_corpus
    from aismm_assistant.evals.golden import golden_paths, load_golden

    corpus = load_corpus()
    results: list[SimulationResult] = []
    for file in golden_paths(Path(path)):
        g = load_golden(file, corpus=corpus)
        for cid, case in g.categories.items():
            results.append(simulate_case(get_category(cid, corpus), case.turns, g.scope, depth=depth,
                                         expected_level=case.expected_level))
    if details is not None:
        details.extend(results)
    return summarise(results, depth)
