"""The `aismm review` walk: an assessor accepts, overrides or skips each pending proposal."""

from __future__ import annotations

import getpass
from collections.abc import Callable

from rich.markup import escape

from aismm_assistant.assessment.scoring import STATUSES
from aismm_assistant.cli.common import console
from aismm_assistant.errors import AismmError, ValidationError


def _parse(line: str) -> tuple[str, str | None, str]:
    """'accept why' | 'override partial why' | 'override 3 why' | 'skip' -> (action, value, rationale)."""
    parts = line.strip().split(maxsplit=2)
    if not parts:
        raise ValidationError("type accept, override VALUE or skip")
    action = {"a": "accept", "o": "override", "s": "skip"}.get(parts[0].lower(), parts[0].lower())
    if action == "skip":
        return action, None, ""
    if action == "accept":
        return action, None, " ".join(parts[1:])
    if action == "override":
        if len(parts) < 2:
            raise ValidationError("override needs a status (met, partial, ...) or a level 1-5")
        return action, parts[1], parts[2] if len(parts) > 2 else ""
    raise ValidationError(f"unknown choice {parts[0]!r}: type accept, override VALUE or skip")


def run_review(assessment_id: str, actor: str | None, read_line: Callable[[str], str | None],
               quiet: bool = False) -> dict:
    from aismm_assistant.storage import get_store

    store = get_store()
    actor = actor or getpass.getuser()
    record = store.get_assessment(assessment_id)
    done = {"accepted": [], "overridden": [], "skipped": [], "levels": []}
    say = (lambda *_: None) if quiet else console.print
    pending = [r for r in record.results.values() if r.provenance.pending and r.provenance.proposed]
    for res in pending:
        prop = res.provenance.proposed
        say(f"\n[bold]{res.control_id}[/]: proposed [bold]{prop.status}[/] (confidence {prop.confidence:.2f}, "
            f"{prop.engine})")
        for c in prop.citations:
            where = f"{c.evidence[:12]} {c.locator}" if c.evidence else f"answer {(c.turn or 0) + 1}"
            say(f"  ({escape(where)}) \u201c{escape(c.quote)}\u201d")  # numbered as on the review page
        for f in prop.flags:
            note = f"turn {f.turn}: \u201c{f.quote}\u201d ({f.reason}), never cited" if hasattr(f, "quote") else str(f)
            say(f"  [red]flag:[/] {escape(note)}")
        if not _decide(read_line, say, lambda act, val, why, cid=res.control_id: _apply_result(
                store, assessment_id, cid, act, val, why, actor, done)):
            break
    record = store.get_assessment(assessment_id)
    for cat_id, cat in record.categories.items():
        lp = cat.provenance.proposed
        if not (cat.provenance.pending and lp):
            continue
        say(f"\n[bold]{cat_id} level[/]: proposed L{lp.level} ({lp.engine}); {lp.rationale or ''}")
        if not _decide(read_line, say, lambda act, val, why, cid=cat_id, lv=lp.level: _apply_level(
                store, assessment_id, cid, act, val, why, actor, lv, done)):
            break
    if not pending:
        say("no pending proposals")
    return done


def _decide(read_line: Callable[[str], str | None], say: Callable, apply: Callable) -> bool:
    """Ask until a valid choice is applied; False at end of input."""
    while True:
        line = read_line("accept [why] / override VALUE why / skip > ")
        if line is None:
            return False
        try:
            action, value, why = _parse(line)
            if action != "skip" and not why.strip():
                more = read_line("rationale > ")
                if more is None:
                    return False
                why = more
            apply(action, value, why)
            return True
        except AismmError as exc:
            say(f"[red]error:[/] {exc}")


def _apply_result(store, assessment_id, cid, action, value, why, actor, done) -> None:  # noqa: ANN001
    if action == "skip":
        done["skipped"].append(cid)
        return
    if action == "override" and value not in STATUSES:
        raise ValidationError(f"status {value!r} is not one of {', '.join(STATUSES)}")
    store.confirm_result(assessment_id, cid, status=value if action == "override" else None, actor=actor,
                         rationale=why)
    done["accepted" if action == "accept" else "overridden"].append(cid)


def _apply_level(store, assessment_id, cat, action, value, why, actor, proposed, done) -> None:  # noqa: ANN001
    if action == "skip":
        done["skipped"].append(f"{cat} level")
        return
    level = proposed
    if action == "override":
        if value not in ("1", "2", "3", "4", "5"):
            raise ValidationError(f"level {value!r} must be 1-5")
        level = int(value)
    store.confirm_level(assessment_id, cat, level=level, actor=actor, rationale=why)
    done["levels"].append({"category": cat, "level": level, "action": action})
