"""Exports: json, yaml, csv, xlsx here; OSCAL through oscal.py; md/html/pdf/docx through reports.

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
from aismm_assistant.model import Corpus
from aismm_assistant.textsafe import json_document, needs_escapes, sheet_value
from aismm_assistant.workbook import csv_safe

FORMATS: tuple[str, ...] = ("json", "yaml", "xlsx", "csv", "md", "html", "pdf", "docx", "oscal", "oscal-ap",
                            "oscal-poam", "oscal-ssp", "oscal-zip")
EXTRA_COLUMNS: tuple[str, ...] = ("Status", "Evidence", "Notes", "Assessor", "Date")
OUT_OF_SCOPE = "N/A (out of scope)"  # a row whose deployment types the assessment does not use
SUMMARY_SHEET = "Summary"
SUMMARY_COLUMNS = ("Category", "Name", "Domain", "Current Level", "Target Level", "Target Date",
                   "Next Level Progress", "Proposed Level", "State")
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


def render(record: Assessment, corpus: Corpus, fmt: str, *, previous: Assessment | str | None = "auto") -> bytes:
    """``record`` as ``fmt`` (one of FORMATS), in memory: the file export and the API download share it.

    ``previous`` (the organisation's earlier assessment, found in the store when "auto") gives the board
    report its trend.
    """
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ValidationError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        data = xlsx_bytes(record, corpus)
    elif fmt in ("md", "html", "pdf"):
        from aismm_assistant.assessment.reports import render_html, render_markdown

        if fmt == "md":
            data = render_markdown(record, corpus, previous=previous).encode("utf-8")
        else:
            data = render_html(record, corpus, previous=previous).encode("utf-8")
            if fmt == "pdf":
                from aismm_assistant.assessment.report_pdf import html_to_pdf

                data = html_to_pdf(data.decode("utf-8"))
    elif fmt == "oscal-zip":
        from aismm_assistant.assessment.oscal import bundle_zip

        data = bundle_zip(record, corpus)
    elif fmt == "docx":
        from aismm_assistant.assessment.report_docx import render_docx

        data = render_docx(record, corpus, previous=previous)
    else:
        text = {"json": to_json, "yaml": to_yaml, "csv": to_csv, "oscal": to_oscal_json, "oscal-ap": _oscal_doc("ap"),
                "oscal-poam": _oscal_doc("poam"), "oscal-ssp": _oscal_doc("ssp")}[fmt](record, corpus)
        data = text.encode("utf-8")
    return data


def export_assessment(record: Assessment, corpus: Corpus, fmt: str, path: Path, *,
                      previous: Assessment | str | None = "auto") -> Path:
    """Write ``record`` as ``fmt`` to ``path`` (atomically: a failure leaves any old file)."""
    write_atomic(Path(path), render(record, corpus, fmt, previous=previous))
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


# ---------------------------------------------------------------- OSCAL (documents in oscal.py)


def to_oscal(record: Assessment, corpus: Corpus) -> dict[str, Any]:
    """The OSCAL assessment-results document (its plan, SSP, profile and catalog: ``oscal-zip``)."""
    from aismm_assistant.assessment.oscal import assessment_results

    return assessment_results(record, corpus)


def _provenance_note(record: Assessment) -> str:
    from aismm_assistant.assessment.provenance import provenance_note

    return provenance_note(record)


def to_oscal_json(record: Assessment, corpus: Corpus) -> str:
    return json_document(json.dumps(to_oscal(record, corpus), indent=2, ensure_ascii=False)) + "\n"


def _oscal_doc(kind: str) -> Any:
    def render(record: Assessment, corpus: Corpus) -> str:
        from aismm_assistant.assessment import oscal

        return oscal.dumps({"ap": oscal.assessment_plan, "poam": oscal.poam, "ssp": oscal.ssp}[kind](record, corpus))

    return render


# ---------------------------------------------------------------- xlsx


def _decider(res: Any) -> tuple[str | None, str | None]:
    """(who, date) of the human decision behind a result: the confirmation, else the latest manual entry."""
    from aismm_assistant.assessment.summary import decided_at

    p = res.provenance
    when = decided_at(res)
    who = p.confirmed_by if p.confirmed is not None else next(
        (h.actor for h in reversed(p.history) if h.action in ("set", "import")), None)
    return who, when.date().isoformat() if when else None


def _clean(value: Any) -> Any:
    """Control characters cannot be stored in a workbook: drop them, and bidi overrides (the record keeps
    the original)."""
    return sheet_value(value)


def xlsx_bytes(record: Assessment, corpus: Corpus) -> bytes:
    """One sheet per in-scope category (workbook columns + Status, Evidence, Notes, Assessor, Date) and a summary.

    Rows outside the deployment scope read ``N/A (out of scope)`` in grey; an import skips them, so the
    workbook round-trips exactly.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from aismm_assistant.assessment.scoring import STATUSES
    from aismm_assistant.workbook import WORKBOOK_COLUMNS, control_row, keep_text, style_header

    pub = to_public(record, corpus)
    scope = record.scope.deployment_scope()
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    for key, value in (("Assessment", record.id), ("Organization", record.organization),
                       ("Status", record.status), ("Deployment Types", ", ".join(record.scope.deployment_types)),
                       ("Categories", ", ".join(record.scope.category_ids())),
                       ("Corpus", f"{record.corpus.name} {record.corpus.version} ({record.corpus.hash})"),
                       ("Corpus note", _provenance_note(record))):
        ws.append([key, _clean(value)])
    wb.properties.title = _clean(f"AISMM assessment of {record.organization}")[:250]
    wb.properties.subject = f"corpus {record.corpus.name} {record.corpus.version} [{record.corpus.hash}]"
    wb.properties.keywords = f"aismm; corpus-official={'true' if record.corpus.official else 'false'}"
    wb.properties.description = _provenance_note(record)
    ws.append([])
    ws.append(list(SUMMARY_COLUMNS))
    for cid, c in pub.categories.items():
        ws.append([cid, sheet_value(c.name), c.domain, c.level, c.target_level, c.target_date.isoformat() if c.target_date else None,
                   c.next_level_progress, c.proposed_level,
                   f"excluded: {c.exclusion_reason}" if c.excluded else c.state.replace("_", " ")])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 48
    columns = [*WORKBOOK_COLUMNS, *EXTRA_COLUMNS]
    status_col = chr(ord("A") + len(WORKBOOK_COLUMNS))
    grey, grey_fill = Font(color="6B7280", italic=True), PatternFill("solid", fgColor="F1F3F6")
    for cid in pub.categories:
        sheet = wb.create_sheet(cid)
        sheet.append(columns)
        out_of_scope = []
        for control in corpus.category(cid).controls:  # type: ignore[union-attr]
            res = record.results.get(control.id)
            has_status = res is not None and (res.provenance.manual or res.provenance.confirmed)
            who, when = _decider(res) if has_status else (None, None)
            status = res.status if has_status else (None if control.applies_to(scope) else OUT_OF_SCOPE)
            if status == OUT_OF_SCOPE:
                out_of_scope.append(sheet.max_row + 1)
            sheet.append([_clean(v) for v in (
                *control_row(control), status, sheet_value("\n".join(e.text for e in res.evidence)) if res else None,
                sheet_value(res.notes) if res else None, who, when)])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if cell.row in out_of_scope:
                    cell.font, cell.fill = grey, grey_fill
        style_header(sheet, len(columns))
        dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
        sheet.add_data_validation(dv)
        dv.add(f"{status_col}2:{status_col}{sheet.max_row + 50}")
    buf = io.BytesIO()
    keep_text(wb)
    wb.save(buf)
    return buf.getvalue()
