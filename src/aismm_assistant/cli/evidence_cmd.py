"""`aismm evidence-request`: draft requests for evidence, for one control or an assessment's open objectives."""

from __future__ import annotations

from pathlib import Path

import typer

from aismm_assistant.cli.common import JSON_OPTION, console, get_store, new_app, print_json

FORMATS = ("md", "json", "csv", "email")

#: top-level commands (merged into `aismm` by cli/main.py)
commands = new_app("Evidence requests.")


@commands.command("evidence-request")
def evidence_request_cmd(
    control: list[str] = typer.Argument(None, help="Control ID(s), e.g. GOV-02.1."),
    assessment_id: str = typer.Option(None, "--assessment", "-a", help="Request evidence for its objectives not yet met."),
    category: str = typer.Option(None, "--category", "-c"),
    owner: str = typer.Option(None, "--owner", help="Send to this role instead of the category's owner."),
    due: str = typer.Option(None, "--due", help="Due date of priority 1, YYYY-MM-DD (default: in 14 days)."),
    fmt: str = typer.Option("md", "--format", "-f", help="md | json | csv | email"),
    llm: str = typer.Option(None, "--llm", help="Polish the wording with a chat model (e.g. openai:gpt-4o-mini)."),
    out: Path = typer.Option(None, "--out", "-o", help="Write to a file instead of stdout."),
    all_objectives: bool = typer.Option(
        False, "--all", help="Every applicable objective not met, whole lists, one due date (the old default)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Draft evidence requests: what to send, to whom, by when and why."""
    from aismm_assistant import service
    from aismm_assistant.assessment import evidence
    from aismm_assistant.assessment.exports import write_atomic
    from aismm_assistant.errors import ValidationError

    fmt = "json" if as_json else fmt.lower()
    if fmt not in FORMATS:
        raise ValidationError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if control and assessment_id:
        raise ValidationError("give control IDs or --assessment, not both")
    # the store is opened only for an assessment: named controls work before any database exists
    store = get_store() if assessment_id else None
    data = service.evidence_requests(store, assessment_id, controls=control or None, category=category, owner=owner,
                                     due=due, llm=llm, all_objectives=all_objectives)
    if fmt == "json":
        if out:
            import json

            write_atomic(out, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        else:
            print_json(data)
        return
    text = {"md": lambda d: d["text"], "csv": evidence.to_csv, "email": evidence.to_email}[fmt](data)
    if fmt == "email":
        from aismm_assistant.corpus import provenance_footer

        text = text.rstrip("\n") + "\n\n-- " + provenance_footer() + "\n"
    if out:
        write_atomic(out, text.encode("utf-8"))
        console.print(f"wrote {len(data['requests'])} requests to {out}")
    else:
        typer.echo(text, nl=False)
