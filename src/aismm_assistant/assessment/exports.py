"""Exports: json, yaml, csv, xlsx, oscal here; md/html through reports (imports: importing.py).

The xlsx keeps the official workbook's columns plus Status, Evidence and Notes, so a team can
move between the spreadsheet and the assistant; files are written atomically.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path
from typing import Any

import yaml

from aismm_assistant.assessment.record import Assessment
from aismm_assistant.assessment.summary import to_public
from aismm_assistant.errors import ValidationError
from aismm_assistant.model import CATEGORY_NAMES, Corpus
from aismm_assistant.textsafe import json_document, needs_escapes, sheet_value
from aismm_assistant.workbook import csv_safe

FORMATS: tuple[str, ...] = ("json", "yaml", "xlsx", "csv", "md", "html", "oscal")
EXTRA_COLUMNS: tuple[str, ...] = ("Status", "Evidence", "Notes")
SUMMARY_SHEET = "Summary"
SUMMARY_COLUMNS = ("Category", "Name", "Domain", "Current Level", "Target Level", "Target Date",
                   "Next Level Progress", "Proposed Level")
OSCAL_NS = "https://github.com/aismm-assistant/ns/oscal"
EXPORT_MARKER = "aismm_assessment"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file; an unwritable path fails in one line."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ValidationError(f"{path.parent}: folder does not exist")
    if path.is_dir():
        raise ValidationError(f"{path}: is a folder; give a file name")
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        raise ValidationError(f"{path}: cannot write ({exc.strerror or type(exc).__name__})") from None
    finally:
        tmp.unlink(missing_ok=True)


def export_assessment(record: Assessment, corpus: Corpus, fmt: str, path: Path) -> Path:
    """Write ``record`` as ``fmt`` to ``path`` (atomically: a failure leaves any old file)."""
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ValidationError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        data = xlsx_bytes(record, corpus)
    elif fmt in ("md", "html"):
        from aismm_assistant.assessment.reports import render_html, render_markdown

        text = render_html(record, corpus) if fmt == "html" else render_markdown(record, corpus)
        data = text.encode("utf-8")
    else:
        text = {"json": to_json, "yaml": to_yaml, "csv": to_csv, "oscal": to_oscal_json}[fmt](record, corpus)
        data = text.encode("utf-8")
    write_atomic(Path(path), data)
    return Path(path)


def export_document(record: Assessment, corpus: Corpus) -> dict[str, Any]:
    return {
        EXPORT_MARKER: 1,
        "record": record.model_dump(mode="json"),
        "summary": to_public(record, corpus).model_dump(mode="json"),
    }


def to_json(record: Assessment, corpus: Corpus) -> str:
    return json_document(json.dumps(export_document(record, corpus), indent=2, ensure_ascii=False)) + "\n"


def to_yaml(record: Assessment, corpus: Corpus) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    doc = export_document(record, corpus)
    text = yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True)
    if needs_escapes(text):  # invisible or bidi characters: let YAML write every non-ASCII one as an escape
        text = yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=False)
    return text


def to_csv(record: Assessment, corpus: Corpus) -> str:
    pub = to_public(record, corpus, all_controls=True)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Category", "Control ID", "Maturity Level", "Control Objective Name", "Applicable", "Status",
                "Proposed Status", "Source", "Confirmed By", "Evidence", "Notes"])
    for r in pub.results:
        w.writerow([csv_safe(v) for v in (
            r.category, r.control_id, f"L{r.level}", r.name, "yes" if r.applicable else "no", r.status,
            r.proposed_status or "", r.source, r.confirmed_by or "", "\n".join(e.text for e in r.evidence), r.notes)])
    return buf.getvalue()


# ---------------------------------------------------------------- OSCAL


def to_oscal(record: Assessment, corpus: Corpus) -> dict[str, Any]:
    """An OSCAL assessment-results document: a finding per objective, observations from evidence."""
    pub = to_public(record, corpus, all_controls=True)

    def uid(*parts: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "aismm:" + ":".join((record.id, *parts))))

    observations, findings = [], []
    for r in pub.results:
        obs_ids = []
        for i, ev in enumerate(r.evidence):
            oid = uid(r.control_id, "obs", str(i))
            obs_ids.append({"observation-uuid": oid})
            observations.append({
                "uuid": oid,
                "title": f"Evidence for {r.control_id}",
                "description": ev.text,
                "methods": ["INTERVIEW" if ev.source.startswith("interview") else "EXAMINE"],
                "collected": (ev.supplied_at or record.updated_at).isoformat(),
                "props": [{"name": "evidence-source", "ns": OSCAL_NS, "value": ev.source or "manual"}],
                **({"origins": [{"actors": [{"type": "party", "actor-uuid": uid("party", ev.supplied_by)}]}]}
                   if ev.supplied_by else {}),
            })
        state = "satisfied" if r.status in ("met", "not_applicable") else "not-satisfied"
        reason = "pass" if state == "satisfied" else ("fail" if r.status == "not_met" else "other")
        finding: dict[str, Any] = {
            "uuid": uid(r.control_id, "finding"),
            "title": f"{r.control_id} {r.name}",
            "description": f"L{r.level} objective of {CATEGORY_NAMES[r.category]}: {r.status.replace('_', ' ')}.",
            "props": [
                {"name": "aismm-status", "ns": OSCAL_NS, "value": r.status},
                {"name": "aismm-source", "ns": OSCAL_NS, "value": r.source},
                {"name": "applicable", "ns": OSCAL_NS, "value": "yes" if r.applicable else "no"},
            ],
            "target": {
                "type": "objective-id",
                "target-id": r.control_id.lower(),
                "status": {"state": state, "reason": reason},
            },
        }
        if r.notes:
            finding["remarks"] = r.notes
        if obs_ids:
            finding["related-observations"] = obs_ids
        findings.append(finding)
    level_props = []
    for cid, c in pub.categories.items():
        level_props.append({"name": "maturity-level", "ns": OSCAL_NS, "class": cid, "value": str(c.level)})
        if c.target_level:
            level_props.append({"name": "target-maturity-level", "ns": OSCAL_NS, "class": cid,
                                "value": str(c.target_level)})
    parties = {ev.supplied_by for r in pub.results for ev in r.evidence if ev.supplied_by}
    metadata: dict[str, Any] = {
        "title": f"AISMM assessment of {record.organization}",
        "last-modified": record.updated_at.isoformat(),
        "version": str(record.version),
        "oscal-version": "1.1.2",
        "props": [{"name": "aismm-corpus", "ns": OSCAL_NS, "value": f"{record.corpus.name} {record.corpus.version}"},
                  {"name": "assessment-status", "ns": OSCAL_NS, "value": record.status}],
    }
    if parties:
        metadata["parties"] = [{"uuid": uid("party", p), "type": "person", "name": p} for p in sorted(parties)]
    return {
        "assessment-results": {
            "uuid": uid("ar", str(record.version)),
            "metadata": metadata,
            "import-ap": {"href": f"#aismm-assessment-plan-{record.id}"},
            "results": [{
                "uuid": uid("result"),
                "title": f"AISMM maturity of {record.organization}",
                "description": "Per-objective findings and per-category maturity levels (scoring rule: docs/scoring.md).",
                "start": record.created_at.isoformat(),
                "end": record.updated_at.isoformat(),
                "props": level_props,
                "reviewed-controls": {"control-selections": [
                    {"include-controls": [{"control-id": r.control_id.lower()} for r in pub.results]}]},
                **({"observations": observations} if observations else {}),
                **({"findings": findings} if findings else {}),
            }],
        }
    }


def to_oscal_json(record: Assessment, corpus: Corpus) -> str:
    return json_document(json.dumps(to_oscal(record, corpus), indent=2, ensure_ascii=False)) + "\n"


# ---------------------------------------------------------------- xlsx


def xlsx_bytes(record: Assessment, corpus: Corpus) -> bytes:
    """One sheet per in-scope category (workbook columns + Status, Evidence, Notes) and a summary."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.datavalidation import DataValidation

    from aismm_assistant.assessment.scoring import STATUSES
    from aismm_assistant.workbook import WORKBOOK_COLUMNS, control_row, keep_text, style_header

    pub = to_public(record, corpus)
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    for key, value in (("Assessment", record.id), ("Organization", record.organization),
                       ("Status", record.status), ("Deployment Types", ", ".join(record.scope.deployment_types)),
                       ("Categories", ", ".join(record.scope.category_ids())),
                       ("Corpus", f"{record.corpus.name} {record.corpus.version} ({record.corpus.hash})")):
        ws.append([key, sheet_value(value)])
    ws.append([])
    ws.append(list(SUMMARY_COLUMNS))
    for cid, c in pub.categories.items():
        ws.append([cid, sheet_value(c.name), c.domain, c.level, c.target_level, c.target_date.isoformat() if c.target_date else None,
                   c.next_level_progress, c.proposed_level])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 48
    columns = [*WORKBOOK_COLUMNS, *EXTRA_COLUMNS]
    status_col = chr(ord("A") + len(WORKBOOK_COLUMNS))
    for cid in pub.categories:
        sheet = wb.create_sheet(cid)
        sheet.append(columns)
        for control in corpus.category(cid).controls:  # type: ignore[union-attr]
            res = record.results.get(control.id)
            has_status = res is not None and (res.provenance.manual or res.provenance.confirmed)
            sheet.append([*control_row(control), res.status if has_status else None,
                          sheet_value("\n".join(e.text for e in res.evidence)) if res else None,
                          sheet_value(res.notes) if res else None])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        style_header(sheet, len(columns))
        dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
        sheet.add_data_validation(dv)
        dv.add(f"{status_col}2:{status_col}{sheet.max_row + 50}")
    buf = io.BytesIO()
    keep_text(wb)
    wb.save(buf)
    return buf.getvalue()
