"""Replay a recorded interview (a golden assessment file) through the engine, without a database.

`aismm assess replay FILE.yaml` and `aismm eval` both call `replay_golden`; each category of the file
is assessed from its own turns, turn numbers start at 0 in the order of the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aismm_assistant.interview.analysis import CategoryProposal, TurnInput, analyse


def assess_category(category_id: str, turns: list[TurnInput], scope: list[str] | None, llm: Any = None,
                    corpus: Any = None, prompt_spec: str | None = None) -> CategoryProposal:
    """Offline analysis, or the LLM judgement checked by the same rules when a chat model is given."""
    from aismm_assistant.corpus import get_category, load_corpus

    category = get_category(category_id, corpus or load_corpus())
    if llm is None:
        return analyse(category, turns, scope)
    from aismm_assistant.interview.judge import judge_category

    return judge_category(llm, category, turns, scope, engine=f"llm:{prompt_spec}" if prompt_spec else "llm")


def replay_golden(golden: Any, llm: Any = None, llm_spec: str | None = None) -> dict[str, CategoryProposal]:
    """Proposals per category of a loaded golden file (evaluation.GoldenFile)."""
    return {
        cid: assess_category(cid, case.turns, golden.scope, llm=llm, prompt_spec=llm_spec)
        for cid, case in golden.categories.items()
    }


def replay_file(path: str | Path, llm: Any = None, llm_spec: str | None = None) -> dict:
    """The `assess replay` JSON contract (DESIGN.md §4) for one golden-format file."""
    from aismm_assistant.evaluation import load_golden

    golden = load_golden(Path(path), require_expected=False)
    results = replay_golden(golden, llm=llm, llm_spec=llm_spec)
    return {
        "id": golden.id,
        "scope": {"deployment_types": golden.scope},
        "categories": {cid: prop.as_dict() for cid, prop in results.items()},
    }
