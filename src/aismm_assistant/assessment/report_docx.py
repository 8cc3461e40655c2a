"""The board report as an editable Word document (python-docx): the same sections as the HTML report.

The radar chart is left out (Word cannot take the SVG without a rasteriser); the current-vs-target
table carries the same numbers. User text goes in as plain runs, never as markup.
"""

from __future__ import annotations

import io
import re
from typing import Any

from aismm_assistant.assessment.record import Assessment, AssessmentPublic
from aismm_assistant.assessment.report_data import STATUS_LABEL, report_data
from aismm_assistant.assessment.reports import _summary_lines, decision_text, level_text, status_text
from aismm_assistant.model import Corpus

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _t(value: Any) -> str:
    """XML cannot hold control characters: drop them (the record keeps the original)."""
    return _CONTROL_CHARS.sub("", str(value if value is not None else ""))


def _table(doc: Any, header: list[str], rows: list[list[Any]], widths: list[float] | None = None) -> Any:
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = _t(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = _t(text)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            if widths:
                cell.width = Cm(widths[i])
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
    return table


def render_docx(record: Assessment, corpus: Corpus, *, previous: Assessment | str | None = "auto") -> bytes:
    from docx import Document
    from docx.shared import Pt

    d = report_data(record, corpus, previous=previous)
    pub: AssessmentPublic = d["pub"]
    prov = d["provenance"]
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    doc.core_properties.title = _t(f"AI security maturity — {pub.organization}")
    doc.core_properties.subject = f"Assessment {pub.id}"
    doc.add_heading(_t(f"AI security maturity — {pub.organization}"), level=0)
    doc.add_paragraph(_t(f"Assessment {pub.id} · status {pub.status} · updated {pub.updated_at:%Y-%m-%d} · "
                         f"report generated {d['generated']:%Y-%m-%d} · scope: "
                         f"{', '.join(pub.scope.deployment_types) or 'all deployment types'}"))
    if d["representative"]:
        doc.add_paragraph("Assessed against the project's representative AISMM corpus, not the official CSA text.")

    doc.add_heading("Executive summary", level=1)
    for line in _summary_lines(d):
        doc.add_paragraph(_t(line), style="List Bullet")
    _table(doc, ["Category", "Current", "Target", "Gap"], [
        [f"{cid} {c.name}", level_text(c), f"L{c.target_level}" if c.target_level else "—",
         c.gap if c.gap is not None else "—"] for cid, c in pub.categories.items()], [7, 4, 3, 2])
    if d["top_gaps"]:
        doc.add_heading("Top gaps", level=2)
        for g in d["top_gaps"]:
            doc.add_paragraph(_t(f"{g['category']} {g['name']}: L{g['current']} → L{g['target']}"
                                 f"{' by ' + g['target_date'] if g['target_date'] else ''}; next: "
                                 f"{', '.join(g['blocking']) or '—'}"), style="List Number")
    if d["trend"]:
        t = d["trend"]
        doc.add_heading(f"Trend since {t['previous_date']}", level=2)
        _table(doc, ["Category", "Before", "Now", "Change"], [
            [r["category"], f"L{r['before']}" if r["before"] else "—", f"L{r['after']}" if r["after"] else "—",
             r["change"] if r["change"] is not None else "—"] for r in t["rows"]])

    doc.add_heading("Method", level=1)
    doc.add_paragraph(d["rule"])
    doc.add_paragraph(_t(f"Scope: {', '.join(pub.scope.deployment_types) or 'all deployment types'}; categories "
                         f"{', '.join(pub.categories)}."), style="List Bullet")
    doc.add_paragraph(_t(f"Model text: {prov['name']} {prov['version']} (hash {prov['hash']}; "
                         f"{'official CSA text' if prov['official'] else 'representative text, not the official CSA wording'})."),
                      style="List Bullet")
    rng = d["evidence_range"]
    doc.add_paragraph(f"Evidence dated {rng[0]} to {rng[1]}." if rng else "No dated evidence on record.",
                      style="List Bullet")
    for c in pub.categories.values():
        if c.excluded:
            doc.add_paragraph(_t(f"Excluded: {c.category} — {c.exclusion_reason}"), style="List Bullet")

    doc.add_heading("Sign-off", level=1)
    so = d["signoff"]
    rows = []
    for c in so["categories"]:
        why = c["rationale"] or "—"
        if c["acknowledgement"]:
            n = len(c["pending_at_confirmation"])
            why += f" (confirmed with {n} proposal{'' if n == 1 else 's'} pending: {c['acknowledgement']})"
        if c["excluded"]:
            why = f"Excluded: {c['exclusion_reason']}"
        rows.append([c["category"], c["state_label"],
                     (f"L{c['confirmed_level']}" + ("" if c["current"] else " (superseded)")) if c["confirmed_level"] else "—",
                     c["by"] or "—", c["at"] or "—", why])
    _table(doc, ["Category", "State", "Level confirmed", "By", "On", "Rationale"], rows, [2, 2.5, 2.5, 2.5, 2.5, 6])
    dec = so["decisions"]
    doc.add_paragraph(f"Objective decisions: {dec['accepted']} proposals accepted, {dec['overridden']} overridden, "
                      f"{dec['set']} set by hand; {so['pending']} proposals awaiting review.")
    for s in so["status_changes"]:
        doc.add_paragraph(_t(f"Status {s['from']} → {s['to']} by {s['by']} on {s['at']}."))

    doc.add_heading("Roadmap: gaps in order", level=1)
    if not d["steps"]:
        doc.add_paragraph("No gaps among the assessed categories.")
    for s in d["steps"]:
        names = "; ".join(f"{o['control_id']} {o['name']} ({STATUS_LABEL[o['status']]})" for o in s["objectives"]) or "—"
        doc.add_paragraph(_t(f"{s['category']} L{s['from_level']} → L{s['to_level']}: {names}"), style="List Number")

    doc.add_heading("Evidence by objective", level=1)
    for cid, ev in d["evidence"].items():
        c = pub.categories[cid]
        doc.add_heading(_t(f"{cid} {c.name} — {level_text(c)}"
                           + (f" (evidence as of {ev['as_of']})" if ev["as_of"] else "")), level=2)
        if c.excluded:
            doc.add_paragraph(_t(f"Excluded: {c.exclusion_reason}"))
            continue
        if not ev["rows"]:
            doc.add_paragraph("Not assessed.")
            continue
        rows = []
        for r in ev["rows"]:
            status = status_text(r)
            if r["decision"]:
                status += "\n" + decision_text(r["decision"])
                if r["decision"]["rationale"]:
                    status += f"\n“{r['decision']['rationale']}”"
            lines = [f"“{x['text']}” — {x['source']}{', ' + x['by'] if x['by'] else ''}"
                     f"{', as of ' + x['as_of'] if x['as_of'] else ''}" for x in r["evidence"]]
            if r["quotes"]:
                lines.append(f"Quotes {r['quote_role']}:")
                lines += [f"“{q['quote']}” ({q['where']})" for q in r["quotes"]]
            if r["notes"]:
                lines.append(f"Notes: {r['notes']}")
            if r["substitute_kpi"]:
                lines.append(f"Substitute KPI: {r['substitute_kpi']['name']}: {r['substitute_kpi']['objective']}")
            rows.append([f"{r['control_id']} L{r['level']} {r['name']}", status, "\n".join(lines) or "none recorded"])
        _table(doc, ["Objective", "Status", "Evidence, quotes and notes"], rows, [5, 4, 8])
        if ev["not_applicable"]:
            doc.add_paragraph(f"Not applicable in this scope: {', '.join(ev['not_applicable'])}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
