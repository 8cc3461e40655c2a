"""Golden assessment sets: loading with validation, replay, and agreement metrics (`aismm eval`).

One case is one category of one golden file. Levels are compared exactly, within one, and with
quadratic weighted kappa over 1-5; statuses of the controls listed in `expected` by macro F1;
citations by whether each quote is verbatim in the turn it names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aismm_assistant.assessment.scoring import STATUSES
from aismm_assistant.errors import ValidationError
from aismm_assistant.interview.analysis import TurnInput


@dataclass
class GoldenCase:
    category: str
    turns: list[TurnInput]
    expected_level: int | None = None
    expected_controls: dict[str, str] = field(default_factory=dict)
    steering_turns: frozenset[int] = frozenset()  # 0-based turns marked `steering: true` (scored by steering_eval)


@dataclass
class GoldenFile:
    path: Path
    id: str
    scope: list[str] | None
    categories: dict[str, GoldenCase]


def _fail(path: Path, case: str | None, reason: str) -> ValidationError:
    where = f"{path}" + (f": case {case}" if case else "")
    return ValidationError(f"{where}: {reason}")


def load_golden(path: Path, require_expected: bool = True, corpus: Any = None) -> GoldenFile:
    """Read and validate one golden file; any problem names the file, the case and the reason."""
    from aismm_assistant.corpus import load_corpus, read_yaml
    from aismm_assistant.errors import CorpusError
    from aismm_assistant.model import normalize_deployment_type

    path = Path(path)
    try:
        data = read_yaml(path)
    except CorpusError as exc:
        raise ValidationError(str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("categories"), dict) or not data["categories"]:
        raise _fail(path, None, "expected a mapping with a non-empty 'categories' mapping")
    corpus = corpus or load_corpus()
    scope_raw = data["scope"].get("deployment_types") if isinstance(data.get("scope"), dict) else None
    scope: list[str] | None = None
    if scope_raw is not None:
        if not isinstance(scope_raw, list):
            raise _fail(path, None, "scope.deployment_types must be a list")
        try:
            scope = [normalize_deployment_type(str(s)) for s in scope_raw]
        except ValueError as exc:
            raise _fail(path, None, f"scope: {exc}") from None
    cases: dict[str, GoldenCase] = {}
    for cid, body in data["categories"].items():
        cat_id = str(cid).strip().upper()
        if corpus.category(cat_id) is None:
            raise _fail(path, str(cid), f"unknown category {cid!r}")
        if not isinstance(body, dict):
            raise _fail(path, cat_id, "expected a mapping with turns and expected")
        cases[cat_id] = _load_case(path, cat_id, body, require_expected, corpus)
    return GoldenFile(path, str(data.get("id") or path.stem), scope, cases)


def _load_case(path: Path, cat_id: str, body: dict, require_expected: bool, corpus: Any) -> GoldenCase:
    raw_turns = body.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise _fail(path, cat_id, "'turns' must be a non-empty list")
    turns = []
    steering: set[int] = set()
    for i, t in enumerate(raw_turns):
        if not isinstance(t, dict) or not isinstance(t.get("answer"), str) or not t["answer"].strip():
            raise _fail(path, cat_id, f"turn {i}: needs a non-empty 'answer'")
        if not isinstance(t.get("steering", False), bool):
            raise _fail(path, cat_id, f"turn {i}: 'steering' must be true or false")
        if t.get("steering"):
            steering.add(i)
        turns.append(TurnInput(answer=t["answer"], question=t.get("question"), respondent=t.get("respondent")))
    expected = body.get("expected")
    if expected is None:
        if require_expected:
            raise _fail(path, cat_id, "no 'expected' block")
        return GoldenCase(cat_id, turns, steering_turns=frozenset(steering))
    if not isinstance(expected, dict):
        raise _fail(path, cat_id, "'expected' must be a mapping")
    level = expected.get("level")
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        if require_expected or level is not None:
            raise _fail(path, cat_id, f"invalid level {level!r} (need an integer 1-5)")
    raw_controls = expected.get("controls") or {}
    if not isinstance(raw_controls, dict):
        raise _fail(path, cat_id, "'expected.controls' must be a mapping of control ID to status")
    controls: dict[str, str] = {}
    for ctl, status in raw_controls.items():
        ctl_id = str(ctl).strip().upper()
        control = corpus.control(ctl_id)
        if control is None or control.category != cat_id:
            raise _fail(path, cat_id, f"unknown control {ctl!r} for category {cat_id}")
        if status not in STATUSES:
            raise _fail(path, cat_id, f"control {ctl_id}: invalid status {status!r} (one of {', '.join(STATUSES)})")
        controls[ctl_id] = status
    return GoldenCase(cat_id, turns, level if isinstance(level, int) else None, controls, frozenset(steering))


def golden_paths(path: Path) -> list[Path]:
    """A file, or a folder's *.yaml files (not recursing: holdout/ is evaluated only when named)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.yaml") if p.is_file())
        if not files:
            raise ValidationError(f"{path}: no golden *.yaml files")
        return files
    if not path.exists():
        raise ValidationError(f"{path}: no such file or folder")
    return [path]


# ---------------------------------------------------------------- metrics


def quadratic_weighted_kappa(truth: list[int], pred: list[int], low: int = 1, high: int = 5) -> float:
    """Cohen's kappa with quadratic weights over the ordinal levels low..high."""
    n = len(truth)
    if n == 0:
        return 0.0
    k = high - low + 1
    obs = [[0.0] * k for _ in range(k)]
    for t, p in zip(truth, pred, strict=True):
        obs[t - low][p - low] += 1
    hist_t = [sum(row) for row in obs]
    hist_p = [sum(obs[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * obs[i][j]
            den += w * hist_t[i] * hist_p[j] / n
    if den == 0:
        return 1.0 if num == 0 else 0.0
    return 1.0 - num / den


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Macro F1 over the statuses that occur in truth or prediction."""
    labels = sorted({t for t, _ in pairs} | {p for _, p in pairs})
    if not labels:
        return 0.0
    scores = []
    for lab in labels:
        tp = sum(1 for t, p in pairs if t == lab and p == lab)
        fp = sum(1 for t, p in pairs if t != lab and p == lab)
        fn = sum(1 for t, p in pairs if t == lab and p != lab)
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def evaluate(path: Path, llm: Any = None, llm_spec: str | None = None) -> dict:
    """Replay every case under `path` and compare it with the expected verdicts."""
    from aismm_assistant.interview.citations import citation_counts
    from aismm_assistant.interview.replay import replay_golden
    from aismm_assistant.interview.steering_eval import steering_scores

    rows: list[dict] = []
    pairs: list[tuple[str, str]] = []
    valid = total = 0
    cases: list[GoldenCase] = []
    for file in golden_paths(path):
        golden = load_golden(file)
        cases.extend(golden.categories.values())
        results = replay_golden(golden, llm=llm, llm_spec=llm_spec)
        for cid, case in golden.categories.items():
            prop = results[cid]
            answers = [t.answer for t in case.turns]
            for p in prop.controls.values():
                v, n = citation_counts(p.citations, answers)
                valid, total = valid + v, total + n
            case_pairs = [(st, prop.controls[ctl].status if ctl in prop.controls else "unknown")
                          for ctl, st in case.expected_controls.items()]
            pairs.extend(case_pairs)
            rows.append({"file": file.name, "category": cid, "expected": case.expected_level,
                         "predicted": prop.level,
                         "controls_wrong": {ctl: {"expected": st, "predicted": prop.controls[ctl].status}
                                            for ctl, st in case.expected_controls.items()
                                            if ctl in prop.controls and prop.controls[ctl].status != st},
                         "flags": len(prop.flags)})
    out = summarise(rows, pairs, valid, total)
    steering = steering_scores(cases)
    out["steering_recall"] = steering["recall"]  # None when no turn is marked `steering: true`
    out["steering_false_flag_rate"] = steering["false_flag_rate"]
    out["steering_marked_turns"] = steering["marked_turns"]
    return out


def summarise(rows: list[dict], pairs: list[tuple[str, str]], valid: int, total: int) -> dict:
    truth = [r["expected"] for r in rows]
    pred = [r["predicted"] for r in rows]
    n = len(rows)

    def agree(sel: list[dict]) -> dict:
        k = len(sel)
        return {"cases": k,
                "level_exact": round(sum(r["expected"] == r["predicted"] for r in sel) / k, 4) if k else None,
                "level_within_one": round(sum(abs(r["expected"] - r["predicted"]) <= 1 for r in sel) / k, 4)
                if k else None,
                "mean_error": round(sum(r["predicted"] - r["expected"] for r in sel) / k, 3) if k else None}

    confusion = [[0] * 5 for _ in range(5)]
    for t, p in zip(truth, pred, strict=True):
        confusion[t - 1][p - 1] += 1
    status_counts = Counter(p for _, p in pairs)
    return {
        "cases": n,
        "level_exact": round(sum(t == p for t, p in zip(truth, pred, strict=True)) / n, 4) if n else 0.0,
        "level_within_one": round(sum(abs(t - p) <= 1 for t, p in zip(truth, pred, strict=True)) / n, 4)
        if n else 0.0,
        "qwk": round(quadratic_weighted_kappa(truth, pred), 4),
        "control_macro_f1": round(macro_f1(pairs), 4),
        "controls_compared": len(pairs),
        "control_accuracy": round(sum(t == p for t, p in pairs) / len(pairs), 4) if pairs else 0.0,
        "citation_validity": round(valid / total, 4) if total else 1.0,
        "citations": total,
        "abstention_rate": round(status_counts.get("unknown", 0) / len(pairs), 4) if pairs else 0.0,
        "per_category": {c: agree([r for r in rows if r["category"] == c])
                         for c in sorted({r["category"] for r in rows})},
        "per_level": {str(lv): agree([r for r in rows if r["expected"] == lv]) for lv in range(1, 6)},
        "confusion_matrix": {"labels": [1, 2, 3, 4, 5], "rows": "expected", "columns": "predicted",
                             "matrix": confusion},
        "case_results": rows,
    }
