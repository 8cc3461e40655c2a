"""`aismm assessment ...` and `aismm evidence-request`: thin shells over aismm_assistant.assessment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from aismm_assistant.cli.common import JSON_OPTION, console, new_app, print_json


def _default_actor() -> str:
    import getpass

    try:
        return getpass.getuser() or "assessor"
    except Exception:  # no login name in some containers
        return "assessor"


def _store():  # noqa: ANN202 - Store, imported lazily
    from aismm_assistant.assessment.storage import get_store

    return get_store()


def _corpus():  # noqa: ANN202
    from aismm_assistant.corpus import load_corpus

    return load_corpus()


def _public(record: Any) -> dict[str, Any]:
    from aismm_assistant.assessment.summary import to_public

    return to_public(record, _corpus()).model_dump(mode="json")


def _done(as_json: bool, data: dict[str, Any], message: str) -> None:
    if as_json:
        print_json(data)
    else:
        console.print(message)


def _level_line(cid: str, c: dict[str, Any]) -> str:
    prog = c.get("next_level_progress")
    prog_s = f"{round(prog * 100)}% toward L{c['next_level']}" if prog is not None else "top level"
    tgt = f" target L{c['target_level']}" if c.get("target_level") else ""
    prop = f" (proposed L{c['proposed_level']})" if c.get("proposed_level") not in (None, c["level"]) else ""
    return f"{cid} L{c['level']} {c['level_name']}{prop} · {prog_s}{tgt}"


def register(app: typer.Typer) -> None:
    asm = new_app("Assessments: manual entry, proposals and confirmations, scoring, exports, roadmaps.")
    app.add_typer(asm, name="assessment")

    @asm.command("new")
    def new_cmd(
        org: str = typer.Option(None, "--org", help="Organisation being assessed."),
        deployment: list[str] = typer.Option(None, "--deployment", "-d", help="Deployment type in use (repeat)."),
        category: list[str] = typer.Option(None, "--category", "-c", help="Category in scope (repeat; default all)."),
        by: str = typer.Option(None, "--by", help="Who starts it (default: login name)."),
        unit: str = typer.Option(None, "--unit", help="Business unit name (with --parent)."),
        parent: str = typer.Option(None, "--parent", help="The program assessment a --unit belongs to."),
        source: str = typer.Option(None, "--from", help="Reassess: carry over scope, targets, answers, evidence."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Start an assessment (or a business unit, or a reassessment); prints its id."""
        from pydantic import ValidationError as PydanticError

        if unit or parent or source:
            from aismm_assistant.cli.process_cmd import new_special

            return new_special(org, deployment, category, by or _default_actor(), unit, parent, source, as_json)

        from aismm_assistant.assessment.record import AssessmentCreate
        from aismm_assistant.errors import ValidationError

        try:
            if not org:
                raise ValidationError("give --org NAME (or --parent ID --unit NAME, or --from ID)")
            create = AssessmentCreate(organization=org, created_by=by or _default_actor(),
                                      scope={"deployment_types": deployment or [], "categories": category or []})
        except PydanticError as exc:
            raise ValidationError(str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from None
        record = _store().create_assessment(create)
        _done(as_json, {"id": record.id, "organization": record.organization,
                        "scope": record.scope.model_dump()}, f"created {record.id}")

    @asm.command("set")
    def set_cmd(
        assessment_id: str = typer.Argument(...),
        control: str = typer.Argument(..., help="Control ID, e.g. GOV-02.1."),
        status: str = typer.Argument(..., help="met | partial | not_met | not_applicable | unknown"),
        evidence: list[str] = typer.Option(None, "--evidence", "-e", help="Evidence text (repeat)."),
        notes: str = typer.Option(None, "--notes"),
        by: str = typer.Option(None, "--by", help="Who supplied it (default: login name)."),
        substitute: str = typer.Option(None, "--substitute", help="Substitute KPI objective text (same level)."),
        substitute_name: str = typer.Option(None, "--substitute-name"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Record a status by hand for one control objective."""
        from aismm_assistant.assessment.record import SubstituteKPI

        sub = SubstituteKPI(name=substitute_name or "Substitute KPI", objective=substitute) if substitute else None
        record = _store().set_result(assessment_id, control, status, evidence=evidence or None, notes=notes,
                                     actor=by or _default_actor(), substitute_kpi=sub)
        pub = _public(record)
        from aismm_assistant.corpus import get_control

        cid = get_control(control, _corpus()).id
        cat = pub["categories"][cid.split("-")[0]]
        _done(as_json, {"id": record.id, "control_id": cid, "status": record.results[cid].status,
                        "category": cat}, f"{cid} = {record.results[cid].status}; {_level_line(cid.split('-')[0], cat)}")

    @asm.command("target")
    def target_cmd(
        assessment_id: str = typer.Argument(...),
        category: str = typer.Argument(...),
        level: str = typer.Argument(..., help="Target level 1-5 (or L3)."),
        by_date: str = typer.Option(None, "--by", help="Target date YYYY-MM-DD."),
        owner: str = typer.Option(None, "--owner", help="Who is accountable for reaching it."),
        actor: str = typer.Option(None, "--actor", help="Who set it (default: login name)."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Set a category's S.M.A.R.T. target: level, date and owner; warns on targets the model advises against."""
        from aismm_assistant.assessment.targets import set_target, target_warnings

        corpus = _corpus()
        record = _store().update_assessment(assessment_id, lambda rec: set_target(
            rec, corpus, category, level, by_date=by_date, owner=owner, actor=actor or _default_actor()))
        cid = category.strip().upper()
        cat = record.categories[cid]
        warnings = target_warnings(record, corpus)
        _done(as_json, {"id": record.id, "category": cid, "target_level": cat.target_level,
                        "target_date": cat.target_date.isoformat() if cat.target_date else None,
                        "target_owner": cat.target_owner, "level": cat.level, "warnings": warnings},
              f"{cid}: target L{cat.target_level}, now L{cat.level}"
              + "".join(f"\nwarning: {w['message']}" for w in warnings if w["category"] in (cid, None)))

    def _revalidate_days() -> int:
        from aismm_assistant.settings import get_settings

        return get_settings().revalidate_after_days

    @asm.command("show")
    def show_cmd(
        assessment_id: str = typer.Argument(...),
        all_controls: bool = typer.Option(False, "--all", help="List every in-scope objective, not only answered ones."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Levels (by the scoring rule), proposals beside them, targets, results and evidence."""
        from aismm_assistant.assessment.summary import to_public

        pub = to_public(_store().get_assessment(assessment_id), _corpus(), all_controls=all_controls)
        data = pub.model_dump(mode="json")
        if as_json:
            print_json(data)
            return
        from rich.table import Table

        console.print(f"[bold]{pub.organization}[/] — {pub.id} ({pub.status}); scope: "
                      f"{', '.join(pub.scope.deployment_types) or 'all deployment types'}")
        t = Table(title="Categories")
        for col in ("Category", "Level", "Proposed", "Target", "Next-level progress", "Blocking"):
            t.add_column(col)
        for cid, c in pub.categories.items():
            t.add_row(f"{cid} {c.name}", f"L{c.level}{' ✓' if c.level_confirmed else ''}",
                      f"L{c.proposed_level}" if c.proposed_level else "", f"L{c.target_level}" if c.target_level else "",
                      f"{round(c.next_level_progress * 100)}%" if c.next_level_progress is not None else "—",
                      ", ".join(c.blocking))
        console.print(t)
        r = Table(title="Results")
        for col in ("Control", "Status", "Proposed", "Source", "Evidence"):
            r.add_column(col)
        for res in pub.results:
            r.add_row(res.control_id, res.status + (" (revalidate)" if res.stale else ""),
                      (res.proposed_status or "") + (" (pending)" if res.pending else ""),
                      res.source, "; ".join(e.text for e in res.evidence)[:120])
        console.print(r)
        stale = [cid for c in pub.categories.values() for cid in c.stale]
        if stale:
            console.print(f"[yellow]Needs revalidation[/] (decided over {_revalidate_days()} days ago): {', '.join(stale)}")

    @asm.command("list")
    def list_cmd(as_json: bool = JSON_OPTION) -> None:
        """All stored assessments."""
        from aismm_assistant.assessment.summary import to_public

        corpus = _corpus()
        rows = []
        for rec in _store().list_assessments():
            pub = to_public(rec, corpus)
            rows.append({"id": rec.id, "organization": rec.organization, "status": rec.status,
                         "updated_at": rec.updated_at.isoformat(), "categories": list(pub.categories),
                         "levels": {k: v.level for k, v in pub.categories.items()},
                         "overall": pub.overall.get("mean_level")})
        if as_json:
            print_json({"assessments": rows})
            return
        for row in rows:
            levels = " ".join(f"{k}:L{v}" for k, v in row["levels"].items())
            console.print(f"{row['id']}  {row['organization']}  {row['status']}  {levels}")
        if not rows:
            console.print("no assessments yet: aismm assessment new --org NAME")

    @asm.command("export")
    def export_cmd(
        assessment_id: str = typer.Argument(...),
        fmt: str = typer.Option("json", "--format", "-f", help="json | yaml | xlsx | csv | md | html | oscal"),
        out: Path = typer.Option(..., "--out", "-o", help="Output file."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Write the assessment as data, a spreadsheet, OSCAL, or a board report."""
        from aismm_assistant.assessment.exports import export_assessment

        path = export_assessment(_store().get_assessment(assessment_id), _corpus(), fmt, out)
        _done(as_json, {"id": assessment_id, "format": fmt.lower(), "path": str(path)}, f"wrote {path}")

    @asm.command("import")
    def import_cmd(
        path: Path = typer.Argument(..., help=".json, .yaml or .xlsx"),
        org: str = typer.Option(None, "--org", help="Organisation (default: from the file)."),
        deployment: list[str] = typer.Option(None, "--deployment", "-d"),
        by: str = typer.Option(None, "--by", help="Who imports it (default: login name)."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Import an assessment; nothing is stored unless the whole file is valid."""
        from aismm_assistant.assessment.importing import import_assessment

        record = import_assessment(path, _corpus(), organization=org, deployment_types=deployment or None,
                                   actor=by or _default_actor())
        record = _store().insert_assessment(record)
        pub = _public(record)
        _done(as_json, {"id": record.id, "organization": record.organization,
                        "levels": {k: v["level"] for k, v in pub["categories"].items()}},
              f"imported {record.id}")

    @asm.command("diff")
    def diff_cmd(first: str = typer.Argument(...), second: str = typer.Argument(...), as_json: bool = JSON_OPTION) -> None:
        """What moved between two assessments: levels, targets, statuses, evidence."""
        from aismm_assistant.assessment.roadmap import diff

        store = _store()
        data = diff(store.get_assessment(first), store.get_assessment(second), _corpus())
        if as_json:
            print_json(data)
            return
        for c in data["categories"]:
            console.print(f"{c['category']}: L{c['level_before']} → L{c['level_after']}")
        for c in data["controls"]:
            console.print(f"  {c['control_id']}: {c['status_before']} → {c['status_after']}")
        if not data["categories"] and not data["controls"]:
            console.print("no differences")

    @asm.command("gaps")
    def gaps_cmd(
        assessment_id: str = typer.Argument(...),
        to_level: int = typer.Option(None, "--to-level", min=2, max=5, help="Plan every category up to this level."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """The roadmap: ordered by dependencies, risk weight, then level; owners and due dates (docs/process.md)."""
        from aismm_assistant.assessment.roadmap import roadmap

        steps = roadmap(_store().get_assessment(assessment_id), _corpus(), to_level=to_level)
        if as_json:
            print_json({"id": assessment_id, "steps": steps})
            return
        for s in steps:
            console.print(f"{s['order']}. [bold]{s['category']}[/] L{s['from_level']} → L{s['to_level']} ({s['domain']})")
            console.print(f"     owner {s['owner'] or '—'} · due {s['due'] or '—'} · risk {s['risk_weight']}"
                          f" · after {', '.join(s['depends_on']) or '—'}", markup=False, highlight=False)
            for o in s["objectives"]:
                console.print(f"     {o['control_id']} {o['name']} — now {o['status']}")
        if not steps:
            console.print("no gaps: every category is at its target (or L5)")

    @asm.command("confirm")
    def confirm_cmd(
        assessment_id: str = typer.Argument(...),
        control: str = typer.Argument(...),
        status: str = typer.Option(None, "--status", help="Override the proposal with this status."),
        by: str = typer.Option(..., "--by", help="Who confirms."),
        rationale: str = typer.Option(..., "--rationale"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Accept (or override with --status) the proposal for one objective."""
        record = _store().confirm_result(assessment_id, control, status=status, actor=by, rationale=rationale)
        from aismm_assistant.corpus import get_control

        cid = get_control(control, _corpus()).id
        res = record.results[cid]
        _done(as_json, {"id": record.id, "control_id": cid, "status": res.status, "confirmed_by": by},
              f"{cid} confirmed as {res.status} by {by}")

    @asm.command("confirm-level")
    def confirm_level_cmd(
        assessment_id: str = typer.Argument(...),
        category: str = typer.Argument(...),
        level: str = typer.Argument(...),
        by: str = typer.Option(..., "--by"),
        rationale: str = typer.Option(..., "--rationale"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Sign off a category level (it must match the confirmed statuses)."""
        from aismm_assistant.assessment.actions import parse_level

        record = _store().confirm_level(assessment_id, category, level=parse_level(level), actor=by, rationale=rationale)
        cid = category.strip().upper()
        _done(as_json, {"id": record.id, "category": cid, "level": record.categories[cid].level, "confirmed_by": by},
              f"{cid} L{record.categories[cid].level} confirmed by {by}")

    @asm.command("status")
    def status_cmd(
        assessment_id: str = typer.Argument(...),
        state: str = typer.Argument(..., help="draft | in_review | final"),
        by: str = typer.Option(None, "--by"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Move an assessment through draft → in_review → final."""
        record = _store().set_status(assessment_id, state, actor=by or _default_actor())
        _done(as_json, {"id": record.id, "status": record.status}, f"{record.id} is {record.status}")

    @asm.command("schema")
    def schema_cmd(
        name: str = typer.Option("Assessment", "--name", help="Assessment | AssessmentCreate | AssessmentPublic | all"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Print the JSON Schema of the assessment record."""
        from aismm_assistant.assessment.record import json_schemas
        from aismm_assistant.errors import ValidationError

        schemas = json_schemas()
        if name != "all" and name not in schemas:
            raise ValidationError(f"unknown schema {name!r}; use {', '.join(schemas)} or all")
        print_json(schemas if name == "all" else schemas[name])

    from aismm_assistant.cli.process_cmd import register_process

    register_process(asm)
    from aismm_assistant.cli.evidence_cmd import register_evidence

    register_evidence(app)
