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
        console.print(f"\n[bold cyan]Q ({kind}, {', '.join(q['controls'])}):[/] {q['text']}")
    elif reason:
        console.print(f"\n[bold]No more questions:[/] {reason}")


def _show_proposal(proposal: dict) -> None:
    from rich.table import Table

    table = Table(title=f"Proposed level L{proposal['level']} (pending assessor review)", show_lines=False)
    for col in ("objective", "status", "conf.", "evidence"):
        table.add_column(col)
    for cid, p in proposal["controls"].items():
        if p["status"] == "not_applicable" or (p["status"] == "unknown" and not p["citations"]):
            continue
        quotes = " | ".join(f"[turn {c['turn']}] \u201c{c['quote']}\u201d" for c in p["citations"][:2])
        style = STATUS_STYLE.get(p["status"], "")
        table.add_row(cid, f"[{style}]{p['status']}[/]", f"{p['confidence']:.2f}", quotes or "; ".join(p["reasons"]))
    console.print(table)
    for f in proposal.get("flags", []):
        console.print(f"[red]flagged (turn {f['turn']}, {f['reason']}):[/] {f['quote']} - excluded from evidence")


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
    llm: str = typer.Option(None, "--llm", help="Judge answers with a chat model instead of offline."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Chat with a control owner: questions, then a proposal with cited quotes after every answer.

    Commands: ':why ID' shows the KPI guidance, ':skip', ':back', ':done'; end of input pauses
    (resume later with --resume).
    """
    from aismm_assistant.interview import engine

    store = get_store()
    if resume:
        view = engine.get_interview_view(store, resume)
        interview_id = resume
    else:
        if not assessment or not category:
            raise ValidationError("give --assessment ID and --category CAT (or --resume INTERVIEW_ID)")
        started = engine.start_interview(store, assessment, category, respondent)
        interview_id = started["id"]
        view = engine.get_interview_view(store, interview_id)
    if not as_json:
        console.print(f"Interview [bold]{interview_id}[/] on {view['category']} "
                      f"(assessment {view['assessment_id']}); type :why ID, :skip, :back or :done.")
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
            if text == ":skip":
                view = engine.skip_question(store, interview_id)
            elif text == ":back":
                view = engine.go_back(store, interview_id)
            elif text == ":done":
                view = engine.finish_interview(store, interview_id)
                break
            else:
                if view.get("status") == "done":
                    raise ValidationError("the interview is finished")
                # submit_answer already returns the new question and proposal: no second (LLM) analysis
                view.update(engine.submit_answer(store, interview_id, text, respondent=respondent, llm=llm))
                if not as_json:
                    _show_proposal(view["proposal"])
        except AismmError as exc:
            if as_json:
                raise
            console.print(f"[red]error:[/] {exc}")
            continue
        if not as_json:
            _show_question(view["question"], view["stop_reason"])
    view = engine.get_interview_view(store, interview_id, llm=llm)
    if as_json:
        print_json(view)
    else:
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
