"""The roadmap as a file: csv, xlsx, and csv files that Jira and ServiceNow import (docs/process.md).

Jira: the columns its CSV importer maps by name (Issue Id, Summary, Issue Type, Priority, Assignee,
Due Date, Labels, Description) and one repeated "Blocked By" column per dependency, holding the
Issue Id of the step it waits for. ServiceNow: an import-set csv for a task table
(short_description, description, assigned_to, due_date, priority 1-5, correlation_id) with
``depends_on`` naming the correlation ids; map it with a transform map. User text is written as
text: a cell starting with = + - @ is neutralised as in every other export.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from aismm_assistant.assessment.record import Assessment
from aismm_assistant.errors import ValidationError
from aismm_assistant.model import Corpus
from aismm_assistant.workbook import csv_safe

FORMATS = ("csv", "xlsx", "jira", "servicenow")
MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "jira": ("text/csv; charset=utf-8", "csv"),
    "servicenow": ("text/csv; charset=utf-8", "csv"),
}
COLUMNS = ("Priority", "Step", "Category", "Name", "From", "To", "Risk weight", "Depends on", "Owner", "Due",
           "Objectives missing", "Why", "Warnings")
JIRA_PRIORITY = {5: "Highest", 4: "High", 3: "Medium", 2: "Low", 1: "Lowest"}
SN_PRIORITY = {5: 1, 4: 2, 3: 3, 2: 4, 1: 5}  # ServiceNow: 1 = critical ... 5 = planning


def _summary(s: dict[str, Any]) -> str:
    return f"{s['category']} {s['name']}: reach L{s['to_level']}"


def _objectives(s: dict[str, Any]) -> str:
    return "; ".join(f"{o['control_id']} {o['name']} ({o['status']})" for o in s["objectives"])


def rows(steps: list[dict[str, Any]]) -> list[list[Any]]:
    return [[s["priority"], s["key"], s["category"], s["name"], f"L{s['from_level']}", f"L{s['to_level']}",
             s["risk_weight"], ", ".join(s["depends_on"]), s["owner"] or "", s["due"] or "", _objectives(s),
             "; ".join(s["why"] + s["assumes"]), "; ".join(s["warnings"])] for s in steps]


def _csv(header: list[str], body: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in body:
        w.writerow([csv_safe(v) for v in r])
    return buf.getvalue().encode("utf-8")


def jira_csv(record: Assessment, steps: list[dict[str, Any]]) -> bytes:
    ids = {s["key"]: s["priority"] for s in steps}
    width = max((len(s["depends_on"]) for s in steps), default=0)
    header = ["Issue Id", "Summary", "Issue Type", "Priority", "Assignee", "Due Date", "Labels", "Labels",
              "Description"] + ["Blocked By"] * width
    body = []
    for s in steps:
        desc = (f"Roadmap step {s['key']} of assessment {record.id} ({record.organization}"
                f"{' / ' + record.unit if record.unit else ''}). Objectives to meet: {_objectives(s) or 'none listed'}.")
        blocked = [ids[k] for k in s["depends_on"] if k in ids]
        body.append([s["priority"], _summary(s), "Task", JIRA_PRIORITY[s["risk_weight"]], s["owner"] or "",
                     s["due"] or "", "aismm", f"aismm-{s['category']}", desc] + blocked + [""] * (width - len(blocked)))
    return _csv(header, body)


def servicenow_csv(record: Assessment, steps: list[dict[str, Any]]) -> bytes:
    header = ["correlation_id", "short_description", "description", "assigned_to", "due_date", "priority",
              "category", "depends_on", "order"]
    body = [[f"{record.id}:{s['key']}", _summary(s),
             f"Objectives to meet: {_objectives(s) or 'none listed'}. Why: {'; '.join(s['why'])}.",
             s["owner"] or "", s["due"] or "", SN_PRIORITY[s["risk_weight"]], s["category"],
             ",".join(f"{record.id}:{k}" for k in s["depends_on"]), s["priority"]] for s in steps]
    return _csv(header, body)


def xlsx_bytes(record: Assessment, steps: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from aismm_assistant.workbook import keep_text, style_header

    wb = Workbook()
    ws = wb.active
    ws.title = "Roadmap"
    ws.append(list(COLUMNS))
    for r in rows(steps):
        ws.append(r)
    style_header(ws, len(COLUMNS))
    for col, width in zip("ABCDEFGHIJKLM", (9, 10, 10, 34, 6, 6, 8, 22, 26, 12, 60, 40, 40), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    keep_text(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(record: Assessment, corpus: Corpus, fmt: str) -> bytes:
    from aismm_assistant.assessment.roadmap import roadmap

    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        raise ValidationError(f"unknown roadmap format {fmt!r}; use one of {', '.join(FORMATS)}")
    steps = roadmap(record, corpus)
    if fmt == "csv":
        return _csv(list(COLUMNS), rows(steps))
    if fmt == "jira":
        return jira_csv(record, steps)
    if fmt == "servicenow":
        return servicenow_csv(record, steps)
    return xlsx_bytes(record, steps)


def export_roadmap(record: Assessment, corpus: Corpus, fmt: str, path: Path) -> Path:
    from aismm_assistant.assessment.exports import write_atomic

    write_atomic(Path(path), render(record, corpus, fmt))
    return Path(path)
