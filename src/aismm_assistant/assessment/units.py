"""Business units: parts of a program assessed on their own, rolled up and compared (docs/process.md).

The seed: "Different parts of a program will sit at different levels ... A born-in-the-cloud
product team running AI agents in production will probably be ahead of a legacy business unit
just turning on Copilot." A unit is an assessment with ``unit`` and ``parent_id`` set; it has its
own deployment scope and results. The roll-up per category shows the lowest, median and highest
unit level and the spread; it does not average units into one number the way a mean would hide
the weakest part.
"""

from __future__ import annotations

import statistics
from typing import Any

from aismm_assistant.assessment import actions
from aismm_assistant.assessment.record import Assessment, AssessmentCreate, Change
from aismm_assistant.errors import ValidationError
from aismm_assistant.model import CATEGORY_NAMES, CATEGORY_ORDER, DOMAIN_OF, Corpus


def clean_unit_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise ValidationError("a business unit needs a name (--unit NAME)")
    if len(text) > 200:
        raise ValidationError("a business unit name is at most 200 characters")
    return text


def new_unit(store: Any, parent_id: str, unit: str, corpus: Corpus, *, deployment_types: list[str] | None = None,
             categories: list[str] | None = None, actor: str) -> Assessment:
    """Create a unit under a program assessment; its scope defaults to the parent's."""
    name = clean_unit_name(unit)
    parent = store.get_assessment(parent_id)
    if parent.parent_id:
        raise ValidationError(f"{parent.id} is itself a unit of {parent.parent_id}; add units to the program assessment")
    taken = {u.unit.casefold() for u in children(store, parent.id) if u.unit}
    if name.casefold() in taken:
        raise ValidationError(f"{parent.id} already has a unit named {name!r}")
    try:
        create = AssessmentCreate(
            organization=parent.organization, created_by=actor, description=f"Business unit of {parent.id}",
            scope={"deployment_types": deployment_types if deployment_types else list(parent.scope.deployment_types),
                   "categories": categories if categories else list(parent.scope.categories)})
    except Exception as exc:  # pydantic: one line
        msg = exc.errors()[0]["msg"] if hasattr(exc, "errors") else str(exc)  # type: ignore[union-attr]
        raise ValidationError(str(msg).removeprefix("Value error, ")) from None
    record = actions.new_assessment(create, corpus)
    record.unit, record.parent_id = name, parent.id
    record.ai_usage = list(parent.ai_usage)
    record.history.append(Change(actor=actor, action="unit", field="unit", new=name, rationale=f"unit of {parent.id}"))
    return store.insert_assessment(record)


def children(store: Any, parent_id: str) -> list[Assessment]:
    """The current units of a program: a unit that was reassessed shows through its latest assessment."""
    records = store.list_assessments()
    replaced = {a.reassessment_of for a in records if a.reassessment_of}
    units = [a for a in records if a.parent_id == parent_id and a.id not in replaced]
    return sorted(units, key=lambda a: ((a.unit or "").casefold(), a.created_at))


def rollup(units: list[dict[str, Any]], categories: list[str]) -> dict[str, dict[str, Any]]:
    """Per category over the units that have a level: lowest, median, highest, spread, the lowest units."""
    out: dict[str, dict[str, Any]] = {}
    for cid in categories:
        levels = [(u["unit"], u["levels"][cid]) for u in units if u["levels"].get(cid) is not None]
        indicative = [u["indicative"][cid] for u in units if u["indicative"].get(cid) is not None]
        if not levels:
            out[cid] = {"name": CATEGORY_NAMES[cid], "domain": DOMAIN_OF[cid], "units": 0, "lowest": None,
                        "median": None, "highest": None, "spread": None, "lowest_units": [],
                        "indicative_lowest": min(indicative) if indicative else None}
            continue
        values = [lv for _, lv in levels]
        low = min(values)
        out[cid] = {
            "name": CATEGORY_NAMES[cid],
            "domain": DOMAIN_OF[cid],
            "units": len(values),
            "lowest": low,
            "median": statistics.median(values),
            "highest": max(values),
            "spread": max(values) - low,
            "lowest_units": [name for name, lv in levels if lv == low],
            "indicative_lowest": min(indicative) if indicative else None,
        }
    return out


def unit_row(record: Assessment, corpus: Corpus) -> dict[str, Any]:
    from aismm_assistant.assessment.summary import to_public

    pub = to_public(record, corpus)
    return {
        "id": record.id,
        "unit": record.unit,
        "status": record.status,
        "deployment_types": list(record.scope.deployment_types),
        "levels": {cid: c.level for cid, c in pub.categories.items()},
        "indicative": {cid: c.indicative_level for cid, c in pub.categories.items()},
        "targets": {cid: c.target_level for cid, c in pub.categories.items()},
        "mean_level": pub.overall.get("mean_level"),
    }


def units_view(store: Any, assessment_id: str, corpus: Corpus) -> dict[str, Any]:
    """The program assessment's units side by side, and the roll-up per category."""
    parent = store.get_assessment(assessment_id)
    rows = [unit_row(u, corpus) for u in children(store, parent.id)]
    cats = [c for c in CATEGORY_ORDER if any(c in r["levels"] for r in rows)]
    return {"id": parent.id, "organization": parent.organization, "units": rows,
            "categories": cats, "rollup": rollup(rows, cats)}


def comparison_markdown(view: dict[str, Any]) -> str:
    """The side-by-side table for reports: one row per category, one column per unit, then the roll-up."""
    if not view["units"]:
        return ""
    names = [u["unit"] or u["id"] for u in view["units"]]
    head = "| Category | " + " | ".join(n.replace("|", "/") for n in names) + " | Lowest | Median | Spread |"
    lines = ["## Business units", "", head, "|" + "---|" * (len(names) + 4)]
    for cid in view["categories"]:
        r = view["rollup"][cid]
        cells = [f"L{u['levels'][cid]}" if u["levels"].get(cid) is not None else "—" for u in view["units"]]
        fmt = (lambda v: "—" if v is None else f"L{v:g}")  # noqa: E731
        lines.append(f"| {cid} {r['name']} | " + " | ".join(cells)
                     + f" | {fmt(r['lowest'])} | {fmt(r['median'])} | {r['spread'] if r['spread'] is not None else '—'} |")
    return "\n".join(lines) + "\n"


def comparison_html(view: dict[str, Any]) -> str:
    """The same table for the HTML board report (escaped)."""
    from html import escape

    if not view["units"]:
        return ""
    fmt = (lambda v: "—" if v is None else f"L{v:g}")  # noqa: E731
    out = ["<h2>Business units</h2><table><tr><th>Category</th>"
           + "".join(f"<th>{escape(u['unit'] or u['id'])}</th>" for u in view["units"])
           + "<th>Lowest</th><th>Median</th><th>Spread</th></tr>"]
    for cid in view["categories"]:
        r = view["rollup"][cid]
        out.append(f"<tr><td><b>{cid}</b> {escape(r['name'])}</td>"
                   + "".join(f"<td>{fmt(u['levels'].get(cid))}</td>" for u in view["units"])
                   + f"<td>{fmt(r['lowest'])}</td><td>{fmt(r['median'])}</td>"
                   f"<td>{r['spread'] if r['spread'] is not None else '—'}</td></tr>")
    return "".join(out) + "</table>"


def report_section(record: Assessment, corpus: Corpus, fmt: str) -> str:
    """The "Business units" section of a program's board report ('' for a record without units)."""
    if record.parent_id:
        return ""
    from aismm_assistant.assessment.storage import get_store

    store = get_store()
    try:
        view = units_view(store, record.id, corpus)
    except Exception:  # noqa: BLE001 - an exported record not (or no longer) in this store has no units here
        return ""
    return comparison_markdown(view) if fmt == "md" else comparison_html(view)
