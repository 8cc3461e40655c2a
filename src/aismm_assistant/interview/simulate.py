"""Adaptive questioning measured against asking everything, on golden transcripts.

A simulated respondent answers each question with the golden turn most relevant to it: every turn
(its question and answer) is scored with the category's objective matcher against the asked
objective, and the best-scoring turn not yet used for that objective is replayed verbatim; with no
relevant turn left the respondent says they do not know; a question over several objectives gets the
relevant turn of each. Both strategies use the same simulated respondent, so the comparison isolates
the question policy (docs/interview.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aismm_assistant.interview.analysis import MIN_MATCH, TurnInput, analyse, matcher_for
from aismm_assistant.interview.questions import DEFAULT_DEPTH, all_questions, next_question
from aismm_assistant.model import Category

UNKNOWN_ANSWER = "I don't know, I'd have to check."


@dataclass
class SimulationResult:
    category: str
    adaptive_questions: int
    all_questions: int
    adaptive_level: int
    all_level: int


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


def simulate_case(category: Category, golden: Sequence[TurnInput], scope: list[str] | None,
                  max_questions: int = 60, depth: int = DEFAULT_DEPTH) -> SimulationResult:
    """Ask adaptively and ask everything, answering from the golden transcript; compare the levels."""
    used: set[tuple[str, int]] = set()
    turns: list[TurnInput] = []
    for _ in range(max_questions):
        proposal = analyse(category, turns, scope)
        q = next_question(category, scope, turns, proposal, depth=depth).question
        if q is None:
            break
        turns.append(TurnInput(respond(category, golden, q.controls, used), q.text, None, tuple(q.controls)))
    adaptive = analyse(category, turns, scope)
    used_all: set[tuple[str, int]] = set()
    full = [TurnInput(respond(category, golden, q.controls, used_all), q.text, None, tuple(q.controls))
            for q in all_questions(category, scope)]
    return SimulationResult(category.id, len(turns), len(full), adaptive.level, analyse(category, full, scope).level)


def simulate(path: str, depth: int = DEFAULT_DEPTH) -> dict:
    """Adaptive vs ask-everything over every case under `path` (a golden file or folder)."""
    from pathlib import Path

    from aismm_assistant.corpus import get_category, load_corpus
    from aismm_assistant.evaluation import golden_paths, load_golden

    corpus = load_corpus()
    results: list[SimulationResult] = []
    for file in golden_paths(Path(path)):
        g = load_golden(file, corpus=corpus)
        for cid, case in g.categories.items():
            results.append(simulate_case(get_category(cid, corpus), case.turns, g.scope, depth=depth))
    asked = sum(r.adaptive_questions for r in results)
    total = sum(r.all_questions for r in results)
    return {
        "cases": len(results),
        "adaptive_questions": asked,
        "all_questions": total,
        "questions_ratio": round(asked / total, 4) if total else 0.0,
        "depth": depth,
        "same_level": round(sum(r.adaptive_level == r.all_level for r in results) / len(results), 4)
        if results else 0.0,
    }
