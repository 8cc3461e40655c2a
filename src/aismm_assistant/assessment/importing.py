"""Imports: a full exported record (json/yaml), a hand-written json/yaml, or a filled xlsx workbook.

Everything is parsed and validated into an ``Assessment`` before the caller stores it, so a bad
file — corrupted, unknown columns, invalid statuses, unknown IDs — fails in one line and stores
nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError as PydanticValidationError

from aismm_assistant.assessment import actions
from aismm_assistant.assessment.exports import (
    EXPORT_MARKER,
    EXTRA_COLUMNS,
    OUT_OF_SCOPE,
    SUMMARY_COLUMNS,
    SUMMARY_SHEET,
)
from aismm_assistant.assessment.record import (
    Assessment,
    AssessmentCreate,
    Change,
    EvidenceItem,
    Scope,
    new_id,
)
from aismm_assistant.errors import ValidationError
from aismm_assistant.model import CATEGORY_ORDER, Corpus

SIMPLE_KEYS = {"organization", "scope", "targets", "results", "description", "created_by"}
RESULT_KEYS = {"status", "evidence", "notes", "assessor", "date"}


def _pyd(exc: PydanticValidationError, where: str) -> ValidationError:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ()))
    msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return ValidationError(f"{where}: {loc + ': ' if loc else ''}{msg}")


def import_assessment(
    path: Path, corpus: Corpus, *, organization: str | None = None,
    deployment_types: list[str] | None = None, actor: str = "import",
) -> Assessment:
    """Read ``path`` (.json, .yaml/.yml, .xlsx) into a new, unsaved record with a fresh id."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        data = read_xlsx(path, corpus)
    elif suffix in (".json", ".yaml", ".yml"):
        data = _read_text(path, suffix)
    else:
        raise ValidationError(f"{path}: unsupported file type {suffix or '(none)'}; use .json, .yaml or .xlsx")
    if organization:
        data["organization"] = organization
    if deployment_types:
        scope = data.setdefault("scope", {})
        if not isinstance(scope, dict):
            raise ValidationError(f"{path}: scope must be a mapping with deployment_types and categories")
        scope["deployment_types"] = list(deployment_types)
    data.setdefault("organization", path.stem)
    return parse_document(data, corpus, source=str(path), actor=actor)


def _read_text(path: Path, suffix: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = json.loads(text) if suffix == ".json" else yaml.load(text, Loader=loader)  # noqa: S506 - safe loader
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except yaml.YAMLError as exc:
        raise ValidationError(f"{path}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict):
        raise ValidationError(f"{path}: expected a mapping with organization, scope and results")
    return data


def parse_document(data: dict[str, Any], corpus: Corpus, *, source: str, actor: str = "import") -> Assessment:
    """A full exported record (keeps provenance and history) or the simple hand-written form."""
    if EXPORT_MARKER in data or "record" in data:
        return _from_record(data, corpus, source, actor)
    unknown = sorted(set(data) - SIMPLE_KEYS)
    if unknown:
        raise ValidationError(f"{source}: unknown keys {', '.join(unknown)} (allowed: {', '.join(sorted(SIMPLE_KEYS))})")
    try:
        create = AssessmentCreate.model_validate({k: v for k, v in data.items() if k not in ("targets", "results")})
    except PydanticValidationError as exc:
        raise _pyd(exc, source) from None
    record = actions.new_assessment(create.model_copy(update={"created_by": create.created_by or actor}), corpus)
    results = data.get("results") or {}
    if not isinstance(results, dict):
        raise ValidationError(f"{source}: results must map control IDs to a status or {{status, evidence, notes}}")
    for cid, value in results.items():
        where = f"{source}: {cid}"
        if isinstance(value, dict):
            bad = sorted(set(value) - RESULT_KEYS)
            if bad:
                raise ValidationError(f"{where}: unknown keys {', '.join(bad)}")
            status, evidence, notes = value.get("status"), value.get("evidence") or [], value.get("notes")
            assessor, when = value.get("assessor"), value.get("date")
        else:
            status, evidence, notes, assessor, when = value, [], None, None, None
        if status in (None, ""):
            raise ValidationError(f"{where}: missing status")
        items = _evidence(evidence, where)
        try:
            at = actions.parse_date(when)
            actions.set_result(record, corpus, str(cid), str(status), actor=str(assessor or actor), evidence=items,
                               notes=str(notes) if notes is not None else None,
                               at=datetime.combine(at, time(), tzinfo=UTC) if at else None)
        except ValidationError as exc:
            raise ValidationError(f"{source}: {exc}") from None
    targets = data.get("targets") or {}
    if not isinstance(targets, dict):
        raise ValidationError(f"{source}: targets must map categories to a level or {{level, date}}")
    for cat, value in targets.items():
        level, when = (value.get("level"), value.get("date")) if isinstance(value, dict) else (value, None)
        try:
            actions.set_target(record, corpus, str(cat), level, by_date=when, actor=actor)
        except ValidationError as exc:
            raise ValidationError(f"{source}: target {cat}: {exc}") from None
    record.history.append(Change(actor=actor, action="import", new=source))
    return record


def _evidence(value: Any, where: str) -> list[str | EvidenceItem]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValidationError(f"{where}: evidence must be a list of texts")
    out: list[str | EvidenceItem] = []
    for item in value:
        if isinstance(item, dict):
            try:
                out.append(EvidenceItem.model_validate(item))
            except PydanticValidationError as exc:
                raise _pyd(exc, f"{where} evidence") from None
        elif str(item).strip():
            out.append(str(item).strip())
    return out


def _from_record(data: dict[str, Any], corpus: Corpus, source: str, actor: str) -> Assessment:
    raw = data.get("record")
    if not isinstance(raw, dict):
        raise ValidationError(f"{source}: 'record' must be an assessment record")
    try:
        record = Assessment.model_validate(raw)
    except PydanticValidationError as exc:
        raise _pyd(exc, f"{source}: record") from None
    for cid in record.results:
        control = corpus.control(cid)
        if control is None:
            raise ValidationError(f"{source}: unknown control {cid} (not in corpus {corpus.meta.name})")
        if control.category not in record.scope.category_ids():
            raise ValidationError(f"{source}: {cid} is outside the record's scope")
    record.history.append(Change(actor=actor, action="import", old=record.id, new=source))
    record.id = new_id()
    record.version = 0
    actions.refresh_levels(record, corpus)
    return record


# ---------------------------------------------------------------- xlsx


def _open(path: Path) -> Any:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError) as exc:
        raise ValidationError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__})") from None


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_xlsx(path: Path, corpus: Corpus) -> dict[str, Any]:
    """A filled workbook (official layout, or our export) as the simple import form."""
    from aismm_assistant.corpus import normalize_control_id
    from aismm_assistant.workbook import MAX_HEADER_SCAN, canonical_header

    known = {c.lower() for c in EXTRA_COLUMNS}
    wb = _open(path)
    data: dict[str, Any] = {"results": {}, "targets": {}}
    categories: list[str] = []
    sheets_with_status = 0
    try:
        for ws in wb.worksheets:
            rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
            if ws.title == SUMMARY_SHEET:
                _read_summary(rows, data, f"{path}: sheet {ws.title!r}")
                continue
            header_i = next((i for i, r in enumerate(rows[:MAX_HEADER_SCAN])
                             if any(canonical_header(c) == "Control ID" for c in r)), None)
            if header_i is None:
                continue  # an intro or grid sheet
            where = f"{path}: sheet {ws.title!r}"
            cols: dict[str, int] = {}
            for j, cell in enumerate(rows[header_i]):
                text = _cell_text(cell)
                if not text:
                    continue
                name = canonical_header(text) or (text.title() if text.lower() in known else None)
                if name is None:
                    raise ValidationError(f"{where}: unknown column {text!r}")
                cols.setdefault(name, j)
            if "Status" not in cols:
                continue  # a category sheet nobody filled in: not in the assessment's scope
            sheets_with_status += 1
            for r_i, row in enumerate(rows[header_i + 1:], start=header_i + 2):
                def cell(name: str, row: tuple[Any, ...] = row, cols: dict[str, int] = cols) -> Any:
                    j = cols.get(name)
                    return row[j] if j is not None and j < len(row) else None

                raw_id = _cell_text(cell("Control ID"))
                if not raw_id:
                    continue
                cid = normalize_control_id(raw_id)
                if not cid or corpus.control(cid) is None:
                    raise ValidationError(f"{where} row {r_i}: unknown control {raw_id!r}")
                if cid.split("-")[0] not in categories:
                    categories.append(cid.split("-")[0])
                status = _cell_text(cell("Status"))
                if status == OUT_OF_SCOPE:
                    continue  # marked by our export: the scope decides, nothing to import
                evidence = [ln.strip() for ln in _cell_text(cell("Evidence")).splitlines() if ln.strip()]
                notes = _cell_text(cell("Notes"))
                assessor, when = _cell_text(cell("Assessor")), cell("Date")
                if not status:
                    if evidence or notes:
                        raise ValidationError(f"{where} row {r_i}: {cid} has evidence or notes but no Status")
                    continue
                try:
                    status = actions.parse_status(status)
                except ValidationError as exc:
                    raise ValidationError(f"{where} row {r_i}: {exc}") from None
                data["results"][cid] = {"status": status, "evidence": evidence, "notes": notes or None}
                if assessor:
                    data["results"][cid]["assessor"] = assessor
                if when not in (None, ""):
                    data["results"][cid]["date"] = when
    finally:
        wb.close()
    if not sheets_with_status:
        raise ValidationError(f"{path}: no category sheet with a Status column "
                              "(add Status, Evidence, Notes after the workbook columns)")
    if not categories:
        raise ValidationError(f"{path}: no control objectives found")
    scope = data.setdefault("scope", {})
    scope.setdefault("categories", sorted(categories, key=CATEGORY_ORDER.index))
    if not data["targets"]:
        data.pop("targets")
    for cid in list(data["results"]):
        if data["results"][cid]["notes"] is None:
            data["results"][cid].pop("notes")
    return data


def _read_summary(rows: list[tuple[Any, ...]], data: dict[str, Any], where: str) -> None:
    keys = {"organization": "organization", "deployment types": "deployment_types", "categories": "categories"}
    table_at = None
    for i, row in enumerate(rows):
        first = _cell_text(row[0] if row else None)
        if first == SUMMARY_COLUMNS[0] and len(row) > 4 and _cell_text(row[4]) == "Target Level":
            table_at = i
            break
        key = keys.get(first.lower())
        value = _cell_text(row[1] if len(row) > 1 else None)
        if key == "organization" and value:
            data["organization"] = value
        elif key in ("deployment_types", "categories"):
            data.setdefault("scope", {})[key] = [v.strip() for v in value.split(",") if v.strip()]
    if table_at is None:
        return
    for row in rows[table_at + 1:]:
        cid = _cell_text(row[0] if row else None)
        if not cid:
            continue
        target = row[4] if len(row) > 4 else None
        when = row[5] if len(row) > 5 else None
        if target not in (None, ""):
            data["targets"][cid] = {"level": target, "date": when}


__all__ = ["import_assessment", "parse_document", "read_xlsx", "Scope"]
