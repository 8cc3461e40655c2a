"""`aismm assessment ...`: thin shells over the store and aismm_assistant.service.

Each command parses its options, calls one library function and prints text or ``--json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from aismm_assistant.cli.common import (
    JSON_OPTION,
    console,
    default_actor,
    get_store,
    load_corpus,
    new_app,
    print_json,
)

app = new_app("Assessments: manual entry, proposals and confirmations, scoring, exports, roadmaps.")


def _public(record: Any) -> dict[str, Any]:
    from aismm_assistant.assessment.summary import to_public

    return to_public(record, load_corpus()).model_dump(mode="json")


def _done(as_json: bool, data: dict[str, Any], message: str) -> None:
    if as_json:
        print_json(data)
    else:
        console.print(message)


def _level_line(cid: str, c: dict[str, Any]) -> str:
    if c.get("level") is None:
        return f"{cid} {c.get('state', 'not_assessed').replace('_', ' ')} (rule gives L{c.get('computed_level')})"
    prog = c.get("next_level_progress")
    prog_s = f"{round(prog * 100)}% toward L{c['next_level']}" if prog is not None else "top level"
    tgt = f" target L{c['target_level']}" if c.get("target_level") else ""
    prop = f" (proposed L{c['proposed_level']})" if c.get("proposed_level") not in (None, c["level"]) else ""
    return f"{cid} L{c['level']} {c['level_name']}{prop} · {prog_s}{tgt}"


def _canonical_control(control: str) -> str:
    from aismm_assistant.corpus import get_control

    return get_control(control, load_corpus()).id


@app.command("new")
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
    if unit or parent or source:
        from aismm_assistant.cli.process_cmd import new_special

        return new_special(org, deployment, category, by or default_actor(), unit, parent, source, as_json)

    from pydantic import ValidationError as PydanticError

    from aismm_assistant.assessment.record import AssessmentCreate
    from aismm_assistant.errors import ValidationError

    try:
        if not org:
            raise ValidationError("give --org NAME (or --parent ID --unit NAME, or --from ID)")
        create = AssessmentCreate(organization=org, created_by=by or default_actor(),
                                  scope={"deployment_types": deployment or [], "categories": category or []})
    except PydanticError as exc:
        raise ValidationError(str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from None
    record = get_store().create_assessment(create)
    _done(as_json, {"id": record.id, "organization": record.organization,
                    "scope": record.scope.model_dump()}, f"created {record.id}")


@app.command("set")
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
    record = get_store().set_result(assessment_id, control, status, evidence=evidence or None, notes=notes,
                                    actor=by or default_actor(), substitute_kpi=sub)
    pub = _public(record)
    cid = _canonical_control(control)
    cat = pub["categories"][cid.split("-")[0]]
    _done(as_json, {"id": record.id, "control_id": cid, "status": record.results[cid].status, "category": cat},
          f"{cid} = {record.results[cid].status}; {_level_line(cid.split('-')[0], cat)}")


@app.command("target")
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

    corpus = load_corpus()
    record = get_store().update_assessment(assessment_id, lambda rec: set_target(
        rec, corpus, category, level, by_date=by_date, owner=owner, actor=actor or default_actor()))
    cid = category.strip().upper()
    cat = record.categories[cid]
    warnings = target_warnings(record, corpus)
    _done(as_json, {"id": record.id, "category": cid, "target_level": cat.target_level,
                    "target_date": cat.target_date.isoformat() if cat.target_date else None,
                    "target_owner": cat.target_owner, "level": cat.level, "warnings": warnings},
          f"{cid}: target L{cat.target_level}, now L{cat.level}"
          + "".join(f"\nwarning: {w['message']}" for w in warnings if w["category"] in (cid, None)))


def _print_view(view: dict[str, Any]) -> None:
    """`assessment show` as tables: categories, results, the roadmap, objectives to revalidate."""
    from rich.table import Table

    from aismm_assistant.settings import get_settings

    console.print(f"[bold]{view['organization']}[/] — {view['id']} ({view['status']}); scope: "
                  f"{', '.join(view['scope']['deployment_types']) or 'all deployment types'}")
    t = Table(title="Categories")
    for col in ("Category", "Level", "Proposed", "Target", "Next-level progress", "Blocking"):
        t.add_column(col)
    for cid, c in view["categories"].items():
        progress = c["next_level_progress"]
        lv = (f"excluded: {c.get('exclusion_reason')}" if c.get("excluded") else
              f"L{c['level']}{' ✓' if c['level_confirmed'] else ''}" if c["level"] is not None
              else c.get("state", "not_assessed").replace("_", " "))
        t.add_row(f"{cid} {c['name']}", lv,
                  f"L{c['proposed_level']}" if c["proposed_level"] else "",
                  f"L{c['target_level']}" if c["target_level"] else "",
                  f"{round(progress * 100)}%" if progress is not None else "—", ", ".join(c["blocking"]))
    console.print(t)
    ov = view.get("overall") or {}
    excl = f" ({ov['excluded']} excluded)" if ov.get("excluded") else ""
    mean = ov.get("mean_level")
    console.print(f"{ov.get('assessed', 0)} of {ov.get('categories', 0)} categories assessed{excl}; "
                  f"mean level {mean if mean is not None else '—'} (assessed categories only)")
    r = Table(title="Results")
    for col in ("Control", "Status", "Proposed", "Source", "Evidence"):
        r.add_column(col)
    for res in view["results"]:
        r.add_row(res["control_id"], res["status"] + (" (revalidate)" if res["stale"] else ""),
                  (res["proposed_status"] or "") + (" (pending)" if res["pending"] else ""),
                  res["source"], "; ".join(e["text"] for e in res["evidence"])[:120])
    console.print(r)
    _print_steps(view["roadmap"], title="Roadmap")
    stale = [cid for c in view["categories"].values() for cid in c["stale"]]
    if stale:
        days = get_settings().revalidate_after_days
        console.print(f"[yellow]Needs revalidation[/] (decided over {days} days ago): {', '.join(stale)}")
    prov = view.get("corpus") or {}
    if prov:
        kind = "official CSA text" if prov.get("official") else "representative text, not the official CSA wording"
        console.print(f"corpus: {prov.get('name')} v{prov.get('version')} [{prov.get('hash')}] - {kind}",
                      style="dim", markup=False, highlight=False, soft_wrap=True)


def _print_steps(steps: list[dict[str, Any]], *, title: str | None = None) -> None:
    if title and steps:
        console.print(f"[bold]{title}[/]")
    for s in steps:
        now = (f"L{s['from_level']}" if s.get("state", "assessed") == "assessed"
               else s["state"].replace("_", " "))
        console.print(f"{s['order']}. [bold]{s['category']}[/] {now} → L{s['to_level']} ({s['domain']})")
        if "owner" in s:
            console.print(f"     owner {s['owner'] or '—'} · due {s['due'] or '—'} · risk {s.get('risk_weight')}"
                          f" · after {', '.join(s.get('depends_on') or []) or '—'}", markup=False, highlight=False)
        for o in s["objectives"]:
            console.print(f"     {o['control_id']} {o['name']} — now {o['status']}")


@app.command("show")
def show_cmd(
    assessment_id: str = typer.Argument(...),
    all_controls: bool = typer.Option(False, "--all", help="List every in-scope objective, not only answered ones."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Levels (by the scoring rule), proposals beside them, targets, results, evidence and the roadmap."""
    from aismm_assistant import service

    view = service.assessment_view(get_store(), assessment_id, all_controls=all_controls)
    if as_json:
        print_json(view)
    else:
        _print_view(view)


@app.command("list")
def list_cmd(as_json: bool = JSON_OPTION) -> None:
    """All stored assessments."""
    from aismm_assistant.assessment.summary import to_public

    corpus = load_corpus()
    rows = []
    for rec in get_store().list_assessments():
        pub = to_public(rec, corpus)
        rows.append({"id": rec.id, "organization": rec.organization, "status": rec.status,
                     "updated_at": rec.updated_at.isoformat(), "categories": list(pub.categories),
                     "levels": {k: v.level for k, v in pub.categories.items()},
                     "overall": pub.overall.get("mean_level")})
    if as_json:
        print_json({"assessments": rows})
        return
    for row in rows:
        levels = " ".join(f"{k}:L{v}" for k, v in row["levels"].items() if v is not None) or "nothing assessed"
        console.print(f"{row['id']}  {row['organization']}  {row['status']}  {levels}")
    if not rows:
        console.print("no assessments yet: aismm assessment new --org NAME")


@app.command("export")
def export_cmd(
    assessment_id: str = typer.Argument(...),
    fmt: str = typer.Option(
        "json", "--format", "-f",
        help="json | yaml | xlsx | csv | md | html | pdf | docx | oscal | oscal-ap | oscal-poam | oscal-ssp | oscal-zip"),
    out: Path = typer.Option(..., "--out", "-o", help="Output file."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write the assessment as data, a spreadsheet, OSCAL, or a board report (md, html, pdf, docx)."""
    from aismm_assistant import service

    path = service.export_to_file(get_store(), assessment_id, fmt, out)
    _done(as_json, {"id": assessment_id, "format": fmt.lower(), "path": str(path)}, f"wrote {path}")


@app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., help=".json, .yaml or .xlsx"),
    org: str = typer.Option(None, "--org", help="Organisation (default: from the file)."),
    deployment: list[str] = typer.Option(None, "--deployment", "-d"),
    by: str = typer.Option(None, "--by", help="Who imports it (default: login name)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Import an assessment; nothing is stored unless the whole file is valid."""
    from aismm_assistant.assessment.importing import import_assessment

    record = import_assessment(path, load_corpus(), organization=org, deployment_types=deployment or None,
                               actor=by or default_actor())
    record = get_store().insert_assessment(record)
    pub = _public(record)
    _done(as_json, {"id": record.id, "organization": record.organization,
                    "levels": {k: v["level"] for k, v in pub["categories"].items()}},
          f"imported {record.id}")


@app.command("diff")
def diff_cmd(first: str = typer.Argument(...), second: str = typer.Argument(...), as_json: bool = JSON_OPTION) -> None:
    """What moved between two assessments: levels, targets, statuses, evidence."""
    from aismm_assistant import service

    data = service.diff(get_store(), first, second)
    if as_json:
        print_json(data)
        return
    for c in data["categories"]:
        def lv(v: Any, st: Any) -> str:
            return f"L{v}" if v is not None else (st or "absent").replace("_", " ")

        console.print(f"{c['category']}: {lv(c['level_before'], c.get('state_before'))} → "
                      f"{lv(c['level_after'], c.get('state_after'))}")
    for c in data["controls"]:
        console.print(f"  {c['control_id']}: {c['status_before']} → {c['status_after']}")
    if not data["categories"] and not data["controls"]:
        console.print("no differences")


@app.command("gaps")
def gaps_cmd(
    assessment_id: str = typer.Argument(...),
    to_level: int = typer.Option(None, "--to-level", min=2, max=5, help="Plan every category up to this level."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The roadmap: ordered by dependencies, risk weight, then level; owners and due dates (docs/process.md)."""
    from aismm_assistant import service

    steps = service.gaps(get_store(), assessment_id, to_level=to_level)
    if as_json:
        print_json({"id": assessment_id, "steps": steps})
        return
    _print_steps(steps)
    if not steps:
        console.print("no gaps: every category is at its target (or L5)")


@app.command("confirm")
def confirm_cmd(
    assessment_id: str = typer.Argument(...),
    control: str = typer.Argument(...),
    status: str = typer.Option(None, "--status", help="Override the proposal with this status."),
    by: str = typer.Option(..., "--by", help="Who confirms."),
    rationale: str = typer.Option(..., "--rationale"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Accept (or override with --status) the proposal for one objective."""
    record = get_store().confirm_result(assessment_id, control, status=status, actor=by, rationale=rationale)
    cid = _canonical_control(control)
    res = record.results[cid]
    _done(as_json, {"id": record.id, "control_id": cid, "status": res.status, "confirmed_by": by},
          f"{cid} confirmed as {res.status} by {by}")


@app.command("confirm-level")
def confirm_level_cmd(
    assessment_id: str = typer.Argument(...),
    category: str = typer.Argument(...),
    level: str = typer.Argument(...),
    by: str = typer.Option(..., "--by"),
    rationale: str = typer.Option(..., "--rationale"),
    acknowledge_pending: str = typer.Option(
        None, "--acknowledge-pending", help="Confirm although proposals await review; say why."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Sign off a category level (it must match the confirmed statuses; every proposal decided)."""
    from aismm_assistant.assessment.actions import parse_level

    record = get_store().confirm_level(assessment_id, category, level=parse_level(level), actor=by,
                                       rationale=rationale, acknowledge_pending=acknowledge_pending)
    cid = category.strip().upper()
    _done(as_json, {"id": record.id, "category": cid, "level": record.categories[cid].level, "confirmed_by": by},
          f"{cid} L{record.categories[cid].level} confirmed by {by}")


@app.command("exclude")
def exclude_cmd(
    assessment_id: str = typer.Argument(...),
    category: str = typer.Argument(...),
    reason: str = typer.Option(None, "--reason", help="Why the category is left out (required to exclude)."),
    include: bool = typer.Option(False, "--include", help="Put an excluded category back."),
    by: str = typer.Option(None, "--by"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Leave an in-scope category out of means, charts and finalisation, with a reason."""
    record = get_store().exclude_category(assessment_id, category, reason=reason, actor=by or default_actor(),
                                          include=include)
    cid = category.strip().upper()
    cat = record.categories[cid]
    _done(as_json, {"id": record.id, "category": cid, "excluded": cat.excluded, "reason": cat.exclusion_reason},
          f"{cid} {'excluded: ' + (cat.exclusion_reason or '') if cat.excluded else 'included again'}")


@app.command("status")
def status_cmd(
    assessment_id: str = typer.Argument(...),
    state: str = typer.Argument(..., help="draft | in_review | final"),
    by: str = typer.Option(None, "--by"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Move an assessment through draft → in_review → final."""
    record = get_store().set_status(assessment_id, state, actor=by or default_actor())
    _done(as_json, {"id": record.id, "status": record.status}, f"{record.id} is {record.status}")


@app.command("schema")
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
