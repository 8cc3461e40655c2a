"""`aismm eval`: replay every golden case through one analyser and compare it with the expected verdicts.

One case is one category of one golden file. Levels are compared exactly, within one, with quadratic
weighted kappa over 1-5 and by the share rated too high; statuses of the controls listed in `expected` by
accuracy and macro F1; citations by whether each quote is verbatim in the turn it names, both over every
quote the analyser proposed (before the verbatim filter) and over the quotes it kept (after).
"""

from __future__ import annotations

from pathlib import Path

from aismm_assistant.evals.golden import golden_paths, load_golden
from aismm_assistant.evals.metrics import summarise
from aismm_assistant.evals.replay import replay_golden
from aismm_assistant.interview.analyser import Analyser, get_analyser
from aismm_assistant.interview.citations import citation_counts
from aismm_assistant.interview.steering_eval import steering_scores


def evaluate(path: Path, analyser: Analyser | None = None) -> dict:
    """The eval figures for every case under `path` (a golden file or a folder of them)."""
    from aismm_assistant.corpus import load_corpus

    analyser = analyser or get_analyser()
    corpus = load_corpus()
    rows: list[dict] = []
    pairs: list[tuple[str, str]] = []
    valid = total = rejected = 0
    cases = []
    for file in golden_paths(path):
        golden = load_golden(file, corpus=corpus)
        cases.extend(golden.categories.values())
        results = replay_golden(golden, analyser, corpus)
        for cid, case in golden.categories.items():
            prop = results[cid]
            answers = [t.answer for t in case.turns]
            for p in prop.controls.values():
                v, n = citation_counts(p.citations, answers)
                valid, total = valid + v, total + n
                rejected += len(p.rejected_citations)  # proposed, failed the verbatim check, dropped
            case_pairs = [(st, prop.controls[ctl].status if ctl in prop.controls else "unknown")
                          for ctl, st in case.expected_controls.items()]
            pairs.extend(case_pairs)
            rows.append({"file": file.name, "category": cid, "expected": case.expected_level,
                         "predicted": prop.level,
                         "controls_wrong": {ctl: {"expected": st, "predicted": prop.controls[ctl].status}
                                            for ctl, st in case.expected_controls.items()
                                            if ctl in prop.controls and prop.controls[ctl].status != st},
                         "flags": len(prop.flags)})
    result = summarise(rows, pairs, valid, total, proposed_valid=valid, proposed_total=total + rejected)
    steering = steering_scores(cases)
    result["steering_recall"] = steering["recall"]  # None when no turn is marked `steering: true`
    result["steering_false_flag_rate"] = steering["false_flag_rate"]
    result["steering_marked_turns"] = steering["marked_turns"]
    result.update(analyser.provenance.as_dict())
    return result
