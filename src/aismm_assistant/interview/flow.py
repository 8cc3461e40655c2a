"""The interview's flow state: skips, the history "go back" walks, depth, respondents, who finished it.

The state is a small JSON document on the interview row; everything else (the proposal, the next
question) is recomputed from the stored turns. Interviews stored before the history existed get one
rebuilt from their turns, so "go back" works on them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from aismm_assistant.errors import ValidationError
from aismm_assistant.interview.questions import DEFAULT_DEPTH, MAX_DEPTH

MAX_RESPONDENTS = 8
MAX_ROLE_CHARS = 120


def level_of(controls: Sequence[str], default: int = 2) -> int:
    ids = list(controls)
    try:
        return int(ids[0].split("-")[1].split(".")[0]) if ids else default
    except (IndexError, ValueError):
        return default


def state_of(row: Any, turns: Sequence[Any] = ()) -> dict:
    """A normalised copy of the row's flow state (defaults filled in, history rebuilt when missing)."""
    state = dict(row.state or {})
    state["skipped"] = list(state.get("skipped") or [])
    state.setdefault("redo", None)
    state["depth"] = check_depth(state.get("depth", DEFAULT_DEPTH))
    state["respondents"] = list(state.get("respondents") or [])
    if "history" not in state:
        state["history"] = [{"kind": "answer", "turn": t.seq, "text": t.question,
                             "controls": list(t.question_controls), "level": level_of(t.question_controls)}
                            for t in turns if t.question]
    else:
        state["history"] = list(state["history"])
    return state


def check_depth(depth: Any) -> int:
    if isinstance(depth, bool) or not isinstance(depth, int) or not 0 <= depth <= MAX_DEPTH:
        raise ValidationError(f"depth must be a whole number from 0 to {MAX_DEPTH} (levels asked above the first "
                              f"that falls short); got {depth!r}")
    return depth


def respondents(row: Any, state: dict) -> list[dict]:
    """Everyone who answers: the assigned respondent first (for what nobody else was handed), then the others."""
    out = [{"name": row.respondent, "role": state.get("primary_role") or "", "controls": []}] if row.respondent else []
    return out + [dict(r) for r in state["respondents"] if r.get("name") != row.respondent]


def respondent_names(row: Any) -> list[str]:
    state = dict(row.state or {})
    names = [row.respondent] if row.respondent else []
    return names + [r["name"] for r in state.get("respondents") or [] if r.get("name") and r["name"] not in names]


def may_open(row: Any, user_id: str | None) -> bool:
    """A respondent may open an interview assigned to their id, or handed to their id (never by name alone:
    a new user with a deleted user's name starts with nothing)."""
    if not user_id:
        return False
    if getattr(row, "respondent_id", None) == user_id:
        return True
    return any(r.get("id") == user_id for r in dict(row.state or {}).get("respondents") or [])


def assigned(state: dict) -> dict[str, str]:
    """Objective ID -> the respondent it was handed to (the assigned respondent answers the rest)."""
    return {cid: r["name"] for r in state["respondents"] for cid in r.get("controls", [])}


def addressed(row: Any, state: dict, name: str | None) -> str | None:
    """Whose questions to offer: a named respondent's own when the interview was handed out, else everyone's."""
    if not name or not state["respondents"]:
        return None
    return name if name in respondent_names(row) else None


def hand_over(state: dict, category: Any, scope: Iterable[str] | None, name: str, role: str,
              controls: Iterable[str] = (), levels: Iterable[int] = (), user_id: str | None = None) -> dict:
    """Hand the questions of some objectives (by ID or by level) to another respondent."""
    name = (name or "").strip()
    role = " ".join((role or "").split())
    if not name:
        raise ValidationError("a respondent needs a name")
    if len(role) > MAX_ROLE_CHARS:
        raise ValidationError(f"role: at most {MAX_ROLE_CHARS} characters")
    scope_list = list(scope) if scope is not None else None
    applicable = {c.id: c for c in category.controls if c.applies_to(scope_list)}
    wanted: list[str] = []
    for raw in controls:
        cid = _normal_id(raw)
        if cid not in applicable:
            known = ", ".join(sorted(applicable))
            raise ValidationError(f"{raw!r} is not an objective of {category.id} in this assessment's scope ({known})")
        wanted.append(cid)
    for lv in levels:
        if isinstance(lv, bool) or not isinstance(lv, int) or not 2 <= lv <= 5:
            raise ValidationError(f"levels: {lv!r} is not a level from 2 to 5")
        wanted += [c.id for c in applicable.values() if c.level == lv]
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        raise ValidationError("name the objectives (controls) or levels to hand over")
    others = [r for r in state["respondents"] if r.get("name") != name]
    if len(others) + 1 > MAX_RESPONDENTS:
        raise ValidationError(f"an interview may have at most {MAX_RESPONDENTS} further respondents")
    for r in others:
        r["controls"] = [c for c in r.get("controls", []) if c not in wanted]
    mine = next((r for r in state["respondents"] if r.get("name") == name), None)
    have = list(mine["controls"]) if mine else []
    entry = {"name": name, "role": role or (mine or {}).get("role", ""), "controls": list(dict.fromkeys(have + wanted))}
    if user_id or (mine or {}).get("id"):
        entry["id"] = user_id or mine["id"]  # type: ignore[index]
    state["respondents"] = [r for r in others if r["controls"]] + [entry]
    return entry


def _normal_id(raw: str) -> str:
    from aismm_assistant.corpus import normalize_control_id

    return normalize_control_id(str(raw)) or str(raw).strip().upper()


def back_target(state: dict, turn: int | None) -> int:
    """The history entry "go back" asks again: the one before the question being repeated, or a named turn."""
    history = state["history"]
    if turn is not None:
        for i, event in enumerate(history):
            if event.get("kind") == "answer" and event.get("turn") == turn and event.get("text"):
                return i
        raise ValidationError(f"turn {turn} is not an answered question of this interview")
    redo = state.get("redo") or {}
    index = redo.get("index", len(history)) if redo else len(history)
    index -= 1
    while index >= 0 and not history[index].get("text"):
        index -= 1
    if index < 0:
        raise ValidationError("there is no earlier question to go back to")
    return index
