"""Replay a recorded interview (a golden assessment file) through an analyser, without a database.

`aismm assess replay FILE.yaml` and `aismm eval` both call `replay_golden`; each category of the file
is assessed from its own turns, turn numbers start at 0 in the order of the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aismm_assistant.evals.golden import GoldenFile, load_golden
from aismm_assistant.interview.analyser import Analyser, get_analyser
from aismm_assistant.interview.proposals import CategoryProposal


def replay_golden(golden: GoldenFile, analyser: Analyser | None = None,
                  corpus: Any = None) -> dict[str, CategoryProposal]:
    """Proposals per category of a loaded golden file."""
    from aismm_assistant.corpus import get_category, load_corpus

    analyser = analyser or get_analyser()
    corpus = corpus or load_corpus()
    return {cid: analyser.assess(get_category(cid, corpus), case.turns, golden.scope)
            for cid, case in golden.categories.items()}


def replay_file(path: str | Path, analyser: Analyser | None = None) -> dict:
    """The `assess replay` JSON contract (DESIGN.md §4) for one golden-format file."""
    analyser = analyser or get_analyser()
    golden = load_golden(Path(path), require_expected=False)
    results = replay_golden(golden, analyser)
    return {
        "id": golden.id,
        "scope": {"deployment_types": golden.scope},
        **analyser.provenance.as_dict(),
        "categories": {cid: prop.as_dict() for cid, prop in results.items()},
    }
