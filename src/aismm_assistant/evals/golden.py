"""Golden assessment files: loading with validation (`aismm eval`, `aismm assess replay`, training).

A golden file holds recorded interviews per category and, optionally, the verdicts a human assessor
expects (docs/golden-guide.md). Any problem names the file, the case and the reason.
"""

from __future__ import annotations

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
