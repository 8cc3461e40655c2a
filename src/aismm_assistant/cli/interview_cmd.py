"""`aismm interview`, `aismm review` and `aismm assess replay`: the interview surfaces.

Both interactive commands read answers line by line from stdin when it is not a terminal, so they
can be scripted and tested.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from aismm_assistant.cli.common import JSON_OPTION, console, get_store, new_app, print_json
from aismm_assistant.errors import AismmError, ValidationError


def escape(text: str) -> str:
    """rich's markup escape, imported on use: `aismm lookup` never loads rich through this module."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


STATUS_STYLE = {"met": "green", "partial": "yellow", "not_met": "red", "unknown": "dim", "not_applicable": "dim"}


def _read_line(prompt: str) -> str | None:
    """One line of input; None at end of input."""
    if sys.stdin.isatty():
        try:
            return console.input(prompt)
        except EOFError:
            return None
    line = sys.stdin.readline()
    return None if line == "" else line.rstrip("\n")


def _show_question(q: dict | None, reason: str = "") -> None:
    if q:
        kind = {"follow_up": "follow-up", "repeat": "again"}.get(q["kind"], f"L{q['level']}")
        to = f" for {q['respondent']}" if q.get("respondent") else ""
        console.print(f"\n[bold cyan]Q ({kind}, {', '.join(q['controls'])}{to}):[/] {escape(q['text'])}")
    elif reason:
        console.print(f"\n[bold]No more questions:[/] {reason}")


def _show_changes(changes: list[dict]) -> None:
    """Only what this answer changed: new readings and revised ones (':status' shows the whole table)."""
    if not changes:
        console.print("[dim]No new or revised readings from that answer.[/]")
        return
    for c in changes:
        style = STATUS_STYLE.get(c["status"], "")
        moved = f"{c['before']} -> " if c["change"] == "revised" and c["before"] not in (None, c["status"]) else ""
        line = (f"  [bold]{c['change']:<7}[/] {c['control_id']} {c['objective']}: {moved}[{style}]{c['status']}[/]"
                f" ({c['confidence']:.2f})")
        console.print(line)
        for q in c["quotes"][:2]:
            console.print(f"           \u201c{escape(q)}\u201d")
        if c["status"] != "met" and c.get("reasons"):
            console.print(f"           [dim]{escape('; '.join(c['reasons'][:2]))}[/]")


def _show_proposal(proposal: dict) -> None:
    from rich.table import Table

    table = Table(title=f"Proposed level L{proposal['level']} (pending assessor review)", show_lines=False)
    for col in ("objective", "status", "conf.", "evidence"):
        table.add_column(col)
    for cid, p in proposal["controls"].items():
        if p["status"] == "not_applicable" or (p["status"] == "unknown" and not p["citations"]):
            continue
        quotes = " | ".join(escape(f"[turn {c['turn']}] \u201c{c['quote']}\u201d") for c in p["citations"][:2])
        style = STATUS_STYLE.get(p["status"], "")
        table.add_row(cid, f"[{style}]{p['status']}[/]", f"{p['confidence']:.2f}", quotes or "; ".join(p["reasons"]))
    console.print(table)
    for f in proposal.get("flags", []):
        console.print(f"[red]flagged (turn {f['turn']}, {escape(f['reason'])}):[/] {escape(f['quote'])} - never cited")


def _turn_arg(text: str) -> int | None:
    """':back' alone goes to the previous question; ':back 3' to the question answered in turn 3."""
    word = text.strip()
    if not word:
        return None
    if word.isdigit():
        return int(word)
    raise ValidationError(f"':back {word}': give a turn number, e.g. ':back 0'")


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "staff"


def _why(control_id: str) -> None:
    from aismm_assistant.corpus import get_control

    c = get_control(control_id)
    console.print(f"[bold]{c.id}[/] L{c.level} {c.name}\n{' '.join(c.objective.split())}")
    if c.rationale:
        console.print(f"[dim]Why it matters:[/] {c.rationale}")
    for e in c.evidence:
        console.print(f"  - evidence: {e}")


#: top-level commands (merged into `aismm` by cli/main.py)
commands = new_app("Interviews and review.")


@commands.command("interview")
def interview_cmd(
    assessment: str = typer.Option(None, "--assessment", "-a", help="Assessment ID."),
    category: str = typer.Option(None, "--category", "-c", help="Category to interview on, e.g. GOV."),
    respondent: str = typer.Option(None, "--respondent", "-r", help="Who is answering (job title or name)."),
    resume: str = typer.Option(None, "--resume", help="Continue an existing interview by its ID."),
    finish: str = typer.Option(None, "--finish", help="Finish an interview by its ID (no more answers) and "
                                                      "print why it stopped."),
    depth: int = typer.Option(None, "--depth", min=0, max=3, help="Levels still asked above the first level "
                                                                  "that falls short (default 1; 0 stops there)."),
    llm: str = typer.Option(None, "--llm", help="Judge answers with a chat model instead of offline."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Chat with a control owner: after every answer, what it changed (new or revised readings, with quotes).

    Commands: ':status' shows every reading, ':why ID' the KPI guidance, ':skip', ':back [TURN]' (any
    earlier question, skipped ones too), ':done' finishes; end of input pauses (resume with --resume).
    """
    from aismm_assistant.interview import engine

    store = get_store()
    if finish:
        view = engine.finish_interview(store, finish, actor=respondent or _login())
        if as_json:
            print_json(view)
        else:
            console.print(f"Interview {finish} finished. {view['stop_reason']}. Proposed level "
                          f"L{view['proposal']['level']}; review with: aismm review {view['assessment_id']}")
        return
    if resume:
        if depth is not None:
            engine.set_depth(store, resume, depth)
        view = engine.get_interview_view(store, resume, respondent=respondent)
        interview_id = resume
    else:
        if not assessment or not category:
            raise ValidationError("give --assessment ID and --category CAT (or --resume INTERVIEW_ID)")
        started = engine.start_interview(store, assessment, category, respondent, depth=depth)
        interview_id = started["id"]
        view = engine.get_interview_view(store, interview_id, respondent=respondent)
    if not as_json:
        console.print(f"Interview [bold]{interview_id}[/] on {view['category']} "
                      f"(assessment {view['assessment_id']}); type :status, :why ID, :skip, :back or :done.")
        _show_question(view["question"], view["stop_reason"])
    while True:
        line = _read_line("> ")
        if line is None:
            break
        text = line.strip()
        if not text:
            continue
        try:
            if text.startswith(":why"):
                if not as_json:
                    _why(text[4:].strip())
                continue
            if text == ":status":
                if not as_json:
                    _show_proposal(view["proposal"])
                continue
            if text == ":skip":
                view = engine.skip_question(store, interview_id, respondent=respondent)
            elif text == ":back" or text.startswith(":back "):
                view = engine.go_back(store, interview_id, _turn_arg(text[5:]), respondent=respondent)
            elif text in (":done", ":finish"):
                view = engine.finish_interview(store, interview_id, actor=respondent or _login())
                break
            elif text.startswith(":"):
                raise ValidationError(f"unknown command {text.split()[0]!r}; use :status, :why ID, :skip, "
                                      ":back [TURN] or :done")
            else:
                if view.get("status") == "done":
                    raise ValidationError("the interview is finished")
                # submit_answer already returns the new question and proposal: no second (LLM) analysis
                view = engine.submit_answer(store, interview_id, text, respondent=respondent, llm=llm)
                if not as_json:
                    _show_changes(view["changes"])
        except AismmError as exc:
            if as_json:
                raise
            console.print(f"[red]error:[/] {exc}")
            continue
        if not as_json:
            _show_question(view["question"], view["stop_reason"])
    view = engine.get_interview_view(store, interview_id, llm=llm, respondent=respondent)
    if as_json:
        print_json(view)
    else:
        if view["status"] == "done":
            console.print(f"\n{view['stop_reason']}.")
        console.print(f"\nInterview {interview_id}: {len(view['turns'])} answers stored; proposed level "
                      f"L{view['proposal']['level']}. Review with: aismm review {view['assessment_id']}")




@commands.command("review")
def review_cmd(
    assessment_id: str = typer.Argument(..., help="Assessment ID."),
    actor: str = typer.Option(None, "--actor", help="Who is confirming (default: your login name)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Walk pending proposals: 'accept REASON', 'override STATUS|LEVEL REASON' or 'skip' for each."""
    from aismm_assistant.cli.review_flow import run_review

    summary = run_review(assessment_id, actor, _read_line, quiet=as_json)
    if as_json:
        print_json(summary)


assess_app = new_app("Assess from recorded interviews.")


@assess_app.command("replay")
def replay_cmd(
    file: Path = typer.Argument(..., help="A golden-format YAML file (its 'expected' blocks are ignored)."),
    llm: str = typer.Option(None, "--llm", help="'offline' (default) or a chat model."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Run the engine over a recorded interview and print the proposals with verbatim citations."""
    from aismm_assistant.evals.replay import replay_file
    from aismm_assistant.interview.analyser import get_analyser

    result = replay_file(file, get_analyser(llm))
    if as_json:
        print_json(result)
        return
    for cid, prop in result["categories"].items():
        console.print(f"\n[bold]{cid}[/]")
        _show_proposal(prop)
