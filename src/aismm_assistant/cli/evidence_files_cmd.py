"""`aismm evidence add|list|import|analyse`: evidence files on objectives and connectors for machine sources."""

from __future__ import annotations

from pathlib import Path

import typer

from aismm_assistant.cli.common import JSON_OPTION, new_app, print_json

app = new_app("Evidence files on objectives, and imports that propose statuses from machine-readable exports.")


def _read(path: Path) -> bytes:
    from aismm_assistant.errors import ValidationError
    from aismm_assistant.evidence.extract import EvidenceFileError
    from aismm_assistant.evidence.store import _max_bytes

    if not path.is_file():
        raise ValidationError(f"no such file: {path}")
    limit = _max_bytes()
    if path.stat().st_size > limit:
        raise EvidenceFileError(f"{path.name}: file is {path.stat().st_size / 1048576:.1f} MB, over the "
                                f"{limit / 1048576:g} MB limit; nothing was stored")
    return path.read_bytes()


@app.command("add")
def add_cmd(
    assessment_id: str = typer.Argument(..., help="Assessment ID."),
    control: str = typer.Argument(..., help="Control objective, e.g. GOV-02.1."),
    file: Path = typer.Argument(..., help="PDF, DOCX, XLSX, CSV, Markdown, text, JSON or JSONL file."),
    note: str = typer.Option(None, "--note", help="What the file shows."),
    expires: str = typer.Option(None, "--expires", help="Revalidate after this date (YYYY-MM-DD)."),
    by: str = typer.Option(None, "--by", help="Who adds it (default: $USER)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Attach a file to an objective; its text is extracted and kept for verbatim citations."""
    import getpass

    from aismm_assistant.evidence.store import add_evidence

    who = by or getpass.getuser() or "cli"
    rec = add_evidence(assessment_id, control, file.name, _read(file), added_by=who, note=note, expires=expires)
    if as_json:
        print_json(rec.to_dict())
    else:
        typer.echo(f"added {rec.name} to {rec.control_id}: sha256 {rec.sha256[:12]}, {rec.text_chars} characters "
                      f"of text" + (f", expires {rec.expires}" if rec.expires else ""))


@app.command("list")
def list_cmd(
    assessment_id: str = typer.Argument(..., help="Assessment ID."),
    control: str = typer.Option(None, "--control", "-c", help="Only this objective."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The files attached to an assessment; expired ones are flagged for revalidation."""
    from aismm_assistant.evidence.store import list_evidence

    records = list_evidence(assessment_id, control)
    if as_json:
        print_json({"assessment": assessment_id, "evidence": [r.to_dict() for r in records]})
        return
    if not records:
        typer.echo("no evidence files")
    for r in records:
        flag = "  EXPIRED - revalidate" if r.expired() else ""
        typer.echo(f"{r.control_id}  {r.sha256[:12]}  {r.name}  {r.added_by} {r.added_at:%Y-%m-%d}"
                      + (f"  expires {r.expires}" if r.expires else "") + flag)


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="A machine-readable export (CycloneDX, SPDX 3, Okta, Entra, SCP, ...)."),
    assessment_id: str = typer.Option(None, "--assessment", "-a", help="Record the proposals on this assessment."),
    by: str = typer.Option(None, "--by", help="Who imports it (default: $USER)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Detect the format, propose statuses with verbatim citations; an assessor confirms them later."""
    import getpass

    from aismm_assistant.evidence.importer import import_file

    _read(file)
    result = import_file(file, assessment_id, added_by=by or getpass.getuser() or "cli")
    if as_json:
        print_json(result)
        return
    typer.echo(f"{result['title']}: {len(result['proposals'])} proposals")
    for p in result["proposals"]:
        typer.echo(f"  {p['control_id']}  {p['status']:<8} {p['coverage']['text']}")
    if result["stored"]:
        typer.echo(f"recorded as proposals on {assessment_id}; confirm them with `aismm assessment confirm`")
    elif assessment_id is None:
        typer.echo("not recorded: give --assessment ID to record them as proposals")


@app.command("analyse")
def analyse_cmd(
    assessment_id: str = typer.Argument(..., help="Assessment ID."),
    control: str = typer.Option(None, "--control", "-c", help="Only this objective's category (all its documents)."),
    llm: str = typer.Option(None, "--llm", help="Analyser: 'offline' or a chat model spec (default: AISMM_LLM)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Read the attached documents as interview answers; record pending proposals with verbatim citations."""
    from aismm_assistant.evidence.analyse import analyse_documents
    from aismm_assistant.interview.analyser import get_analyser

    result = analyse_documents(assessment_id, control, analyser=get_analyser(llm))
    if as_json:
        print_json(result)
        return
    typer.echo(f"{len(result['documents'])} documents read ({result['engine']}): "
               f"{len(result['proposals'])} proposals, {result['dropped_citations']} quotes dropped as unverified")
    for p in result["proposals"]:
        first = p["citations"][0]
        typer.echo(f"  {p['control_id']}  {p['status']:<8} {first['locator']}: \u201c{first['quote'][:80]}\u201d")
    for f in result["flags"]:
        typer.echo(f"  flagged: {f}")
    if result["stored"]:
        typer.echo(f"recorded as proposals on {assessment_id}; confirm them with `aismm assessment confirm`")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="evidence")
