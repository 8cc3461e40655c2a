"""The official workbook layout: one sheet per category, the columns of DESIGN.md §2.

Import reads the header row by name (not position), so a workbook with extra columns, a title
row above the header or reordered columns still imports; anything malformed fails before a
single file is written. The details markdown adds rationale, description and evidence.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError as PydanticValidationError

from aismm_assistant.corpus import _format_pydantic, build_corpus, check_category, normalize_control_id
from aismm_assistant.errors import CorpusError
from aismm_assistant.model import (
    CATEGORY_NAMES,
    DOMAIN_OF,
    Category,
    Control,
    Corpus,
    CorpusMeta,
)

WORKBOOK_COLUMNS: tuple[str, ...] = (
    "Control ID",
    "Maturity Level",
    "Control Objective Name",
    "Control Objective",
    "Deployment Types",
    "Manual / Automated",
    "AICM Mapping",
    "External References",
)
REQUIRED_COLUMNS: tuple[str, ...] = WORKBOOK_COLUMNS[:6]
_ALIASES = {
    "controlid": "Control ID",
    "id": "Control ID",
    "maturitylevel": "Maturity Level",
    "level": "Maturity Level",
    "controlobjectivename": "Control Objective Name",
    "name": "Control Objective Name",
    "controlobjective": "Control Objective",
    "objective": "Control Objective",
    "deploymenttypes": "Deployment Types",
    "deploymenttype": "Deployment Types",
    "manualautomated": "Manual / Automated",
    "assessmentmode": "Manual / Automated",
    "aicmmapping": "AICM Mapping",
    "aicm": "AICM Mapping",
    "externalreferences": "External References",
    "references": "External References",
}
MAX_HEADER_SCAN = 15


def canonical_header(value: Any) -> str | None:
    """Map a header cell ('Manual/Automated', 'control id ') to its canonical column name."""
    if value is None:
        return None
    key = re.sub(r"[^a-z]", "", str(value).lower())
    return _ALIASES.get(key)


def find_header_row(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]] | None:
    """Index of the first row holding a 'Control ID' header, and the column of each known header."""
    for i, row in enumerate(rows[:MAX_HEADER_SCAN]):
        cols: dict[str, int] = {}
        for j, cell in enumerate(row):
            name = canonical_header(cell)
            if name and name not in cols:
                cols[name] = j
        if "Control ID" in cols:
            return i, cols
    return None


def _split_list(value: Any, *, commas: bool = True) -> list[str]:
    if value is None:
        return []
    text = str(value).strip()
    if not text:
        return []
    parts = re.split(r"[\n;]+|,\s*" if commas else r"[\n;]+", text)
    return [p.strip() for p in parts if p and p.strip()]


def _level(value: Any, where: str) -> int:
    m = re.search(r"(\d)", str(value or ""))
    if not m:
        raise CorpusError(f"{where}: Maturity Level {value!r} is not L2..L5")
    return int(m.group(1))


def _open_workbook(path: Path):  # noqa: ANN202 - openpyxl Workbook
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.exists():
        raise CorpusError(f"{path}: file not found")
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise CorpusError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__})") from None


def _is_representative_export(path: Path) -> bool:
    """A workbook this project wrote from its own corpus (export-xlsx) is never 'official' when re-imported."""
    wb = _open_workbook(Path(path))
    try:
        props = wb.properties
        if "corpus-official=false" in (props.keywords or ""):
            return True
        if "About" in wb.sheetnames:
            text = " ".join(str(v) for row in wb["About"].iter_rows(values_only=True) for v in row if v)
            return "REPRESENTATIVE CONTENT" in text or "not the official CSA" in text
        return False
    finally:
        wb.close()


def read_workbook_controls(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Rows of every category sheet as raw control dicts, keyed by category prefix."""
    path = Path(path)
    wb = _open_workbook(path)
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        for ws in wb.worksheets:
            rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
            header = find_header_row(rows)
            if header is None:
                continue  # intro, main grid or other non-category sheet
            hdr_index, cols = header
            missing = [c for c in REQUIRED_COLUMNS if c not in cols]
            if missing:
                raise CorpusError(f"{path}: sheet {ws.title!r}: missing columns: {', '.join(missing)}")
            for r_i, row in enumerate(rows[hdr_index + 1 :], start=hdr_index + 2):
                def cell(name: str, row: tuple[Any, ...] = row, cols: dict[str, int] = cols) -> Any:
                    j = cols.get(name)
                    return row[j] if j is not None and j < len(row) else None

                cid = cell("Control ID")
                if cid is None or not str(cid).strip():
                    continue
                where = f"{path}: sheet {ws.title!r} row {r_i}"
                norm = normalize_control_id(str(cid))
                if not norm or norm.split("-")[0] not in DOMAIN_OF:
                    raise CorpusError(f"{where}: bad Control ID {cid!r}")
                raw = {
                    "id": norm,
                    "level": _level(cell("Maturity Level"), where),
                    "name": str(cell("Control Objective Name") or "").strip(),
                    "objective": str(cell("Control Objective") or "").strip(),
                    "deployment_types": _split_list(cell("Deployment Types")),
                    "assessment_mode": str(cell("Manual / Automated") or "").strip(),
                    "aicm": [a.replace(" ", "") for a in _split_list(cell("AICM Mapping"))],
                    "references": _split_list(cell("External References"), commas=False),
                }
                found.setdefault(norm.split("-")[0], []).append({"_where": where, **raw})
    finally:
        wb.close()
    if not found:
        raise CorpusError(f"{path}: no sheet has a 'Control ID' header row (is this the AISMM workbook?)")
    return found


_SECTION_RE = re.compile(
    r"^\s*(?:#{2,6}\s*|\*\*)?\s*(key indicator rationale|rationale|description|evidence)\s*(?:\*\*)?\s*:?\s*(?:\*\*)?\s*(.*)$",
    re.IGNORECASE,
)
_CONTROL_HEADING_RE = re.compile(r"^\s*#{1,6}\s*.*?\b([A-Z]{2,3}-0?\d\.\d+)\b")


def parse_details(path: Path) -> dict[str, dict[str, Any]]:
    """The details markdown: a heading per control ID with Rationale / Description / Evidence sections."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text") from None
    details: dict[str, dict[str, Any]] = {}
    current: dict[str, list[str]] | None = None
    section: str | None = None
    for line in text.splitlines():
        heading = _CONTROL_HEADING_RE.match(line)
        if heading:
            cid = normalize_control_id(heading.group(1))
            current = {"rationale": [], "description": [], "evidence": []}
            details[cid or heading.group(1)] = current  # type: ignore[assignment]
            section = None
            continue
        if current is None:
            continue
        sec = _SECTION_RE.match(line)
        if sec:
            name = sec.group(1).lower()
            section = "rationale" if "rationale" in name else name
            rest = sec.group(2).strip()
            if rest:
                current[section].append(rest)
            continue
        if line.lstrip().startswith("#"):
            section = None
            continue
        if section:
            current[section].append(line)
    out: dict[str, dict[str, Any]] = {}
    for cid, parts in details.items():
        evidence = [re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", ln).strip() for ln in parts["evidence"]]
        out[cid] = {
            "rationale": " ".join(" ".join(parts["rationale"]).split()),
            "description": " ".join(" ".join(parts["description"]).split()),
            "evidence": [e for e in evidence if e],
        }
    if not out:
        raise CorpusError(f"{path}: no control headings found (expected e.g. '## GOV-02.1 ...')")
    return out


def import_workbook(workbook: Path, details: Path | None = None) -> Corpus:
    """Build a validated Corpus from the official workbook (and details document)."""
    raw_by_cat = read_workbook_controls(Path(workbook))
    extra = parse_details(details) if details else {}
    categories = []
    for prefix, rows in raw_by_cat.items():
        controls = []
        for raw in rows:
            where = raw.pop("_where")
            raw.update({k: v for k, v in extra.get(raw["id"], {}).items() if v})
            try:
                controls.append(Control.model_validate(raw))
            except PydanticValidationError as exc:
                raise CorpusError(f"{where}: control {raw['id']}: {_format_pydantic(exc)}") from None
        cat = Category(id=prefix, name=CATEGORY_NAMES[prefix], domain=DOMAIN_OF[prefix], controls=controls)
        check_category(cat, f"{workbook}: category {prefix}")
        categories.append(cat)
    unknown = sorted(set(extra) - {c.id for cat in categories for c in cat.controls})
    if unknown:
        raise CorpusError(f"{details}: details for controls not in the workbook: {', '.join(unknown[:5])}")
    representative = _is_representative_export(Path(workbook))
    meta = CorpusMeta(
        name="AISMM (imported workbook)",
        version="imported",
        representative=representative,
        official=not representative,
        source=f"imported from {Path(workbook).name}" + (f" and {Path(details).name}" if details else ""),
        license="as distributed by the Cloud Security Alliance to the importing user",
    )
    return build_corpus(meta, categories, str(workbook))


def write_corpus_dir(corpus: Corpus, target: Path) -> None:
    """Write corpus.yaml + categories/*.yaml atomically (a temp folder renamed into place).

    An existing target is replaced only if it is empty or a corpus folder (has corpus.yaml), so a
    mistyped --out never deletes an unrelated folder.
    """
    target = Path(target)
    if target.exists() and not (
        target.is_dir() and ((target / "corpus.yaml").exists() or not any(target.iterdir()))
    ):
        raise CorpusError(f"{target}: exists and is not a corpus folder; choose another --out")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".import-", dir=target.parent))
    old: Path | None = None
    try:
        (tmp / "categories").mkdir()
        meta = corpus.meta.model_dump(mode="json")
        (tmp / "corpus.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")
        for cat in corpus.categories:
            data = cat.model_dump(mode="json", exclude_defaults=False)
            for c in data["controls"]:
                for k in ("question", "follow_up", "key_terms", "criteria"):
                    if not c.get(k):
                        c.pop(k, None)
            (tmp / "categories" / f"{cat.id}.yaml").write_text(
                yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
            )
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.exists() and not target.exists():
            old.rename(target)  # put the previous corpus back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in user text for CSV (an evidence line '=HYPERLINK(...)' stays text)."""
    from aismm_assistant.textsafe import sheet_value

    value = sheet_value(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def keep_text(workbook: Any) -> None:
    """openpyxl stores any string starting with '=' as a formula; user text must stay text in our workbooks."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.data_type = "s"


def control_row(control: Control) -> list[Any]:
    """One workbook row in WORKBOOK_COLUMNS order (text a worksheet can hold: see textsafe)."""
    from aismm_assistant.textsafe import sheet_value

    return [sheet_value(v) for v in (
        control.id,
        f"L{control.level}",
        control.name,
        control.objective,
        ", ".join(control.deployment_types),
        control.assessment_mode,
        ", ".join(control.aicm),
        "; ".join(control.references),
    )]


def style_header(ws, ncols: int) -> None:  # noqa: ANN001 - openpyxl worksheet
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in ws[1][:ncols]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3A5F")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    widths = [12, 10, 32, 70, 22, 14, 18, 40, 14, 50, 30]
    for i in range(ncols):
        ws.column_dimensions[chr(ord("A") + i)].width = widths[i] if i < len(widths) else 20


def export_corpus_workbook(corpus: Corpus, path: Path) -> None:
    """Write the corpus in the workbook layout; written to a temp file, then moved into place."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from aismm_assistant.textsafe import sheet_value

    path = Path(path)
    if not path.parent.exists():
        raise CorpusError(f"{path.parent}: folder does not exist")
    if path.is_dir():
        raise CorpusError(f"{path}: is a folder; give a file name such as aismm.xlsx")
    wb = Workbook()
    intro = wb.active
    intro.title = "About"
    from aismm_assistant.corpus import corpus_provenance, provenance_footer

    prov = corpus_provenance(corpus)
    intro.append([sheet_value(corpus.meta.name), f"version {corpus.meta.version}", f"hash {corpus.content_hash}"])
    if corpus.meta.notice:
        intro.append([sheet_value(corpus.meta.notice)])
    intro.append([provenance_footer(corpus)])
    wb.properties.title = f"{corpus.meta.name} {corpus.meta.version}"
    wb.properties.subject = f"corpus hash {corpus.content_hash}"
    wb.properties.keywords = f"aismm; corpus-official={'true' if prov['official'] else 'false'}"
    wb.properties.description = provenance_footer(corpus)
    for cat in corpus.categories:
        ws = wb.create_sheet(cat.id)
        ws.append(list(WORKBOOK_COLUMNS))
        for control in cat.controls:
            ws.append(control_row(control))
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        style_header(ws, len(WORKBOOK_COLUMNS))
    keep_text(wb)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
