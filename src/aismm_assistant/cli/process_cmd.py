"""The recommended process under `aismm assessment`: quick self-assessment, risk, roadmap plan,
business units, what is due, check-ins (docs/process.md). Thin shells over the assessment modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from aismm_assistant.cli.common import JSON_OPTION, console, new_app, print_json

#: merged into the `assessment` group by cli/main.py
commands = new_app("The recommended process.")


def _store():  # noqa: ANN202 - Store, imported lazily
    from aismm_assistant.assessment.storage import get_store

    return get_store()


def _corpus():  # noqa: ANN202
    from aismm_assistant.corpus import load_corpus

    return load_corpus()


def _actor(by: str | None) -> str:
    if by:
        return by
    import getpass

    try:
        return getpass.getuser() or "assessor"
    except Exception:  # no login name in some containers
        return "assessor"


def _interactive_quick(form: dict[str, Any]) -> dict[str, tuple[int, str | None]]:
    """Show each category's five descriptors side by side and ask for the one that fits."""
    from rich.table import Table

    picked: dict[str, tuple[int, str | None]] = {}
    console.print(f"Quick self-assessment for {form['organization']}: pick the descriptor that fits "
                  "(about 2-3 minutes a category; Enter keeps the current answer or skips).")
    for c in form["categories"]:
        t = Table(title=f"{c['category']} {c['name']}", show_lines=True, expand=True)
        for d in c["descriptors"]:
            t.add_column(f"L{d['level']} {d['name']}", ratio=1)
        t.add_row(*[d["text"] for d in c["descriptors"]])
        console.print(t)
        default = str(c["indicative_level"]) if c["indicative_level"] else ""
        while True:
            answer = typer.prompt("Level 1-5", default=default, show_default=bool(default)).strip()
            if not answer or answer.upper().removeprefix("L") in {"1", "2", "3", "4", "5"}:
                break
            console.print("type 1-5, or press Enter to skip")
        if not answer:
            continue
        reason = typer.prompt("One-line reason (optional)", default=c["reason"] or "", show_default=False)
        picked[c["category"]] = (int(answer.upper().removeprefix("L")), reason or None)
    return picked


def new_special(org: str | None, deployment: list[str] | None, category: list[str] | None, actor: str,
                unit: str | None, parent: str | None, source: str | None, as_json: bool) -> None:
    """`assessment new --parent ID --unit NAME` and `assessment new --from ID`."""
    from aismm_assistant.errors import ValidationError

    store, corpus = _store(), _corpus()
    if source:
        if unit or parent or org or deployment or category:
            raise ValidationError("--from copies the earlier assessment's organisation, unit and scope; "
                                  "give it alone")
        from aismm_assistant.assessment.due import awaiting_revalidation, reassess

        record = reassess(store, source, corpus, actor=actor)
        carried = awaiting_revalidation(record)
        data = {"id": record.id, "organization": record.organization, "unit": record.unit,
                "reassessment_of": source, "carried": sorted(record.results), "revalidate": carried}
        message = (f"created {record.id} (reassessment of {source}); {len(record.results)} answers carried over, "
                   f"{len(carried)} to revalidate")
    else:
        if not (unit and parent):
            raise ValidationError("a business unit needs both --parent ID and --unit NAME")
        if org:
            raise ValidationError("a unit takes its organisation from --parent; leave out --org")
        from aismm_assistant.assessment.units import new_unit

        record = new_unit(store, parent, unit, corpus, deployment_types=deployment or None,
                          categories=category or None, actor=actor)
        data = {"id": record.id, "organization": record.organization, "unit": record.unit,
                "parent_id": record.parent_id, "scope": record.scope.model_dump()}
        message = f"created {record.id} (unit {record.unit} of {parent})"
    if as_json:
        print_json(data)
    else:
        console.print(message, markup=False, highlight=False)


@commands.command("quick")
def quick_cmd(
    assessment_id: str = typer.Argument(...),
    sets: list[str] = typer.Option(None, "--set", help="CATEGORY=LEVEL from the descriptors (repeat); "
                                   "without --set, asks category by category."),
    reasons: list[str] = typer.Option(None, "--reason", help="CATEGORY=one-line reason (repeat)."),
    by: str = typer.Option(None, "--by", help="Who self-assesses (default: login name)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Quick self-assessment: an indicative level per category from the L1-L5 descriptors."""
    from aismm_assistant.assessment.quick import parse_sets, quick_form, set_indicative

    store, corpus = _store(), _corpus()
    if sets:
        levels = parse_sets(sets, reasons)
    else:
        if as_json:
            from aismm_assistant.errors import ValidationError

            raise ValidationError("with --json give the levels with --set CATEGORY=LEVEL")
        levels = _interactive_quick(quick_form(store.get_assessment(assessment_id), corpus))
        if not levels:
            console.print("nothing stored")
            return
    record = store.update_assessment(assessment_id, lambda rec: set_indicative(rec, corpus, levels,
                                                                                actor=_actor(by)))
    form = quick_form(record, corpus)
    if as_json:
        print_json(form)
        return
    for c in form["categories"]:
        if c["indicative_level"]:
            console.print(f"{c['category']} indicative L{c['indicative_level']}"
                          + (f" — {c['reason']}" if c["reason"] else ""), markup=False, highlight=False)
    console.print(f"{form['done']} of {form['total']} categories self-assessed")

@commands.command("risk")
def risk_cmd(
    assessment_id: str = typer.Argument(...),
    sets: list[str] = typer.Option(None, "--set", help="CATEGORY=WEIGHT 1-5, or CATEGORY=default (repeat)."),
    usage: list[str] = typer.Option(None, "--usage", help="How AI is used (repeat): sets default weights. "
                                    "customer-facing, sensitive-data, agents, model-training, code-generation, "
                                    "internal-productivity, regulated"),
    by: str = typer.Option(None, "--by"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Risk weight per category for ordering the roadmap (default: from deployment types and AI usage)."""
    from aismm_assistant.assessment.roadmap import default_risk, risk_weights, set_risk
    from aismm_assistant.errors import ValidationError

    weights: dict[str, int | None] = {}
    for item in sets or []:
        cat, _, val = item.partition("=")
        val = val.strip().lower()
        if not cat.strip() or not (val.isdigit() or val == "default"):
            raise ValidationError(f"invalid --set {item!r}; use CATEGORY=1..5 or CATEGORY=default")
        weights[cat.strip()] = None if val == "default" else int(val)
    store, corpus = _store(), _corpus()
    if weights or usage:
        record = store.update_assessment(assessment_id, lambda rec: set_risk(
            rec, corpus, weights, ai_usage=list(usage) if usage else None, actor=_actor(by)))
    else:
        record = store.get_assessment(assessment_id)
    defaults, current = default_risk(record), risk_weights(record)
    rows = {cid: {"weight": current[cid], "default": defaults[cid][0], "because": defaults[cid][1]}
            for cid in record.scope.category_ids()}
    if as_json:
        print_json({"id": record.id, "ai_usage": record.ai_usage, "risk": rows})
        return
    console.print(f"AI usage: {', '.join(record.ai_usage) or 'not stated'}")
    for cid, r in rows.items():
        note = "" if r["weight"] == r["default"] else f" (set; default {r['default']})"
        console.print(f"{cid} {r['weight']}{note}  {', '.join(r['because'])}", markup=False, highlight=False)

@commands.command("plan")
def plan_cmd(
    assessment_id: str = typer.Argument(...),
    step: str = typer.Argument(..., help="Roadmap step, e.g. MON-L3 (see `assessment gaps`)."),
    owner: str = typer.Option(None, "--owner", help="Who carries the step ('' clears)."),
    due: str = typer.Option(None, "--due", help="Due date YYYY-MM-DD ('' clears)."),
    clear: bool = typer.Option(False, "--clear", help="Drop the step's owner and due date."),
    by: str = typer.Option(None, "--by"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Give a roadmap step an owner and a due date."""
    from aismm_assistant.assessment.roadmap import roadmap, set_step
    from aismm_assistant.errors import ValidationError

    if owner is None and due is None and not clear:
        raise ValidationError("give --owner, --due or --clear")
    keys: list[str] = []
    record = _store().update_assessment(assessment_id, lambda rec: keys.append(
        set_step(rec, step, owner=owner, due=due, clear=clear, actor=_actor(by))))
    steps = {s["key"]: s for s in roadmap(record, _corpus())}
    s = steps.get(keys[-1])
    data = {"id": record.id, "key": keys[-1], "step": s,
            "plan": record.plan[keys[-1]].model_dump(mode="json") if keys[-1] in record.plan else None}
    if as_json:
        print_json(data)
        return
    if s is None:
        console.print(f"{keys[-1]}: stored, but it is not on the roadmap now (reached or beyond the target)")
    else:
        console.print(f"{s['priority']}. {s['key']} owner {s['owner'] or '—'}, due {s['due'] or '—'}"
                      + "".join(f"\nwarning: {w}" for w in s["warnings"]), markup=False, highlight=False)

@commands.command("roadmap-export")
def roadmap_export_cmd(
    assessment_id: str = typer.Argument(...),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv | xlsx | jira | servicenow"),
    out: Path = typer.Option(..., "--out", "-o", help="Output file."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write the roadmap as csv/xlsx, or as a csv that Jira or ServiceNow import."""
    from aismm_assistant.assessment.roadmap_export import export_roadmap

    path = export_roadmap(_store().get_assessment(assessment_id), _corpus(), fmt, out)
    if as_json:
        print_json({"id": assessment_id, "format": fmt.lower(), "path": str(path)})
    else:
        console.print(f"wrote {path}", markup=False, highlight=False)

@commands.command("units")
def units_cmd(assessment_id: str = typer.Argument(..., help="The program assessment."),
              as_json: bool = JSON_OPTION) -> None:
    """Business units side by side, and the roll-up per category (lowest, median, spread)."""
    from rich.table import Table

    from aismm_assistant.assessment.units import units_view

    view = units_view(_store(), assessment_id, _corpus())
    if as_json:
        print_json(view)
        return
    if not view["units"]:
        console.print(f"{assessment_id} has no units: aismm assessment new --parent {assessment_id} --unit NAME")
        return
    t = Table(title=f"{view['organization']}: business units")
    t.add_column("Category")
    for u in view["units"]:
        t.add_column(u["unit"])
    for col in ("Lowest", "Median", "Spread"):
        t.add_column(col)
    fmt = (lambda v: "—" if v is None else f"L{v:g}")  # noqa: E731
    for cid in view["categories"]:
        r = view["rollup"][cid]
        t.add_row(f"{cid} {r['name']}", *[fmt(u["levels"].get(cid)) for u in view["units"]],
                  fmt(r["lowest"]), fmt(r["median"]), "—" if r["spread"] is None else str(r["spread"]))
    console.print(t)

@commands.command("due")
def due_cmd(
    within: int = typer.Option(30, "--within", min=0, max=3650, help="Days ahead to look (overdue always shown)."),
    as_of: str = typer.Option(None, "--as-of", help="Pretend today is YYYY-MM-DD."),
    as_json: bool = JSON_OPTION,
) -> None:
    """What is due: annual reassessments, quarterly check-ins on the top gaps, answers to revalidate."""
    from aismm_assistant.assessment.actions import parse_date
    from aismm_assistant.assessment.due import due_items

    data = due_items(_store().list_assessments(), _corpus(), today=parse_date(as_of), within_days=within)
    if as_json:
        print_json(data)
        return
    for i in data["items"]:
        who = i["organization"] + (f" / {i['unit']}" if i["unit"] else "")
        flag = "OVERDUE " if i["overdue"] else ""
        console.print(f"{flag}{i['due']}  {i['kind']:<12} {i['assessment_id']} {who}: {i['detail']}",
                      markup=False, highlight=False, soft_wrap=True)
    if not data["items"]:
        console.print(f"nothing due in the next {within} days")

@commands.command("check-in")
def check_in_cmd(
    assessment_id: str = typer.Argument(...),
    category: str = typer.Argument(...),
    note: str = typer.Option(None, "--note", help="What was found (one line)."),
    by: str = typer.Option(None, "--by"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record a quarterly check-in on a category's gap (resets its check-in clock)."""
    from aismm_assistant.assessment.due import check_in

    corpus = _corpus()
    cids: list[str] = []
    record = _store().update_assessment(assessment_id, lambda rec: cids.append(
        check_in(rec, corpus, category, actor=_actor(by), note=note)))
    last = record.check_ins[-1]
    data = {"id": record.id, "category": cids[-1], "at": last.at.isoformat(), "by": last.by, "note": last.note}
    if as_json:
        print_json(data)
    else:
        console.print(f"check-in on {cids[-1]} recorded", markup=False, highlight=False)
