"""Text out of an evidence file, with a locator for every piece (docs/evidence.md).

A file is accepted only when its extension is one we read *and* its bytes agree (magic bytes,
zip members, UTF-8). Every refusal is an ``EvidenceFileError`` with a one-line reason; nothing
here writes anything. Archives (docx, xlsx) are fully inflated under a cap before any parser
sees them, so a zip bomb fails on its real size, whatever its headers claim.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from aismm_assistant.errors import ValidationError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100.0
MAX_TEXT_CHARS = 5_000_000
MAX_PDF_PAGES = 2_000

MEDIA_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".txt": "text/plain",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
}


class EvidenceFileError(ValidationError):
    """A file refused as evidence: wrong type, too big, corrupt or hostile."""


@dataclass(frozen=True)
class Segment:
    """A piece of extracted text and where it sits in the file: 'p. 3', 'line 41', 'Sheet1!B7', 'para 12'."""

    locator: str
    text: str
    sep: str = "\n"  # what joins this segment to the next one in the full text


@dataclass
class Extracted:
    """The extracted text of one file, as located segments; ``text`` is their concatenation."""

    media_type: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(s.text + s.sep for s in self.segments).rstrip("\n\t")

    def spans(self) -> Iterable[tuple[int, int, Segment]]:
        """(start, end, segment) offsets of each segment inside ``text``."""
        pos = 0
        for seg in self.segments:
            yield pos, pos + len(seg.text), seg
            pos += len(seg.text) + len(seg.sep)

    def to_json(self) -> dict:
        return {"media_type": self.media_type,
                "segments": [[s.locator, s.text, s.sep] for s in self.segments]}

    @classmethod
    def from_json(cls, data: dict) -> Extracted:
        return cls(data["media_type"], [Segment(loc, text, sep) for loc, text, sep in data["segments"]])


def _fail(name: str, reason: str) -> EvidenceFileError:
    return EvidenceFileError(f"{name}: {reason}; nothing was stored")


def sniff(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The media type of a file whose extension and content agree; anything else fails in one line."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in MEDIA_TYPES:
        raise _fail(name, f"unsupported file type {suffix or '(no extension)'!r}; accepted: "
                          + ", ".join(sorted(MEDIA_TYPES)))
    if len(data) > max_bytes:
        raise _fail(name, f"file is {len(data) / 1048576:.1f} MB, over the {max_bytes / 1048576:g} MB limit")
    if not data:
        raise _fail(name, "file is empty")
    head = data[:8]
    if suffix == ".pdf":
        if not data[:1024].lstrip().startswith(b"%PDF-"):
            raise _fail(name, "not a PDF (content does not start with %PDF-)")
    elif suffix in (".docx", ".xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            raise _fail(name, f"not a {suffix[1:]} file (content is not an Office Open XML zip)")
    else:
        if head.startswith((b"%PDF-", b"PK\x03\x04", b"\x7fELF", b"MZ", b"\xd0\xcf\x11\xe0")) or b"\x00" in data[:65536]:
            raise _fail(name, f"binary content in a {suffix[1:]} file")
    return MEDIA_TYPES[suffix]


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(name, f"text is not UTF-8 (byte {exc.start})") from None


def _lines(text: str) -> list[Segment]:
    return [Segment(f"line {i}", line) for i, line in enumerate(text.splitlines(), start=1)]


def _inflate_zip(name: str, data: bytes, required: str) -> dict[str, bytes]:
    """Every member of an Office zip, inflated under caps on count, total size and ratio."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _fail(name, f"corrupt zip container ({exc})") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _fail(name, f"archive has {len(infos)} entries, over the limit of {MAX_ZIP_ENTRIES}")
    if required not in {i.filename for i in infos}:
        raise _fail(name, f"not a valid {PurePath(name).suffix[1:]} file ({required} is missing)")
    cap = min(MAX_ZIP_UNCOMPRESSED, int(max(len(data), 1) * MAX_ZIP_RATIO))
    total = 0
    members: dict[str, bytes] = {}
    try:
        for info in infos:
            if info.is_dir():
                continue
            chunks = []
            with zf.open(info) as fh:
                while chunk := fh.read(65536):
                    total += len(chunk)
                    if total > cap:
                        raise _fail(name, f"archive inflates past {cap / 1048576:.1f} MB "
                                          f"(compression ratio over {MAX_ZIP_RATIO:g}); refused as a zip bomb")
                    chunks.append(chunk)
            members[info.filename] = b"".join(chunks)
    except EvidenceFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
        raise _fail(name, f"corrupt zip container ({exc})") from None
    except Exception as exc:  # zlib.error and friends
        raise _fail(name, f"corrupt zip container ({type(exc).__name__})") from None
    return members


def _rezip(members: dict[str, bytes]) -> io.BytesIO:
    """A fresh, honest archive from inflated members, for parsers that open a zip themselves."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for fname, content in members.items():
            out.writestr(fname, content)
    buf.seek(0)
    return buf


def _pdf(name: str, data: bytes) -> list[Segment]:
    """Pages via pypdf, whose own limits stop decompression bombs; its log chatter stays off stderr."""
    import logging
    import warnings

    try:
        from pypdf import PdfReader
    except ImportError:
        raise EvidenceFileError("reading PDF files needs the pypdf package (pip install pypdf)") from None
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _pdf_pages(name, data, PdfReader)
    finally:
        log.setLevel(level)


def _pdf_pages(name: str, data: bytes, PdfReader: type) -> list[Segment]:  # noqa: N803 - the class, passed in
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _fail(name, "PDF is encrypted; upload an unprotected copy")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise _fail(name, f"PDF has {len(pages)} pages, over the limit of {MAX_PDF_PAGES}")
        segments, chars = [], 0
        for number, page in enumerate(pages, start=1):
            text = (page.extract_text() or "").strip()
            chars += len(text)
            if chars > MAX_TEXT_CHARS:
                raise _fail(name, f"PDF holds over {MAX_TEXT_CHARS:,} characters of text")
            if text:
                segments.append(Segment(f"p. {number}", text, "\n\n"))
    except EvidenceFileError:
        raise
    except Exception as exc:  # pypdf raises many types on broken input
        raise _fail(name, f"not a readable PDF ({type(exc).__name__}: {str(exc)[:120]})") from None
    return segments


def _docx(name: str, data: bytes) -> list[Segment]:
    members = _inflate_zip(name, data, "word/document.xml")
    try:
        import docx
    except ImportError:
        raise EvidenceFileError("reading DOCX files needs the python-docx package (pip install python-docx)") from None
    try:
        document = docx.Document(_rezip(members))
        segments = []
        for number, para in enumerate(document.paragraphs, start=1):
            if para.text.strip():
                segments.append(Segment(f"para {number}", para.text))
        for t, table in enumerate(document.tables, start=1):
            for r, row in enumerate(table.rows, start=1):
                cells = [c.text.strip() for c in row.cells]
                if any(cells):
                    segments.append(Segment(f"table {t} row {r}", "\t".join(cells)))
    except Exception as exc:
        raise _fail(name, f"not a readable docx file ({type(exc).__name__})") from None
    return segments


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _xlsx(name: str, data: bytes) -> list[Segment]:
    members = _inflate_zip(name, data, "xl/workbook.xml")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(_rezip(members), read_only=True, data_only=True)
        segments: list[Segment] = []
        chars = 0
        for ws in wb.worksheets:
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [(c, v) for c, v in enumerate(row, start=1) if v not in (None, "")]
                for i, (c, value) in enumerate(cells):
                    text = str(value)
                    chars += len(text)
                    last = i == len(cells) - 1
                    segments.append(Segment(f"{ws.title}!{_column_letter(c)}{r}", text, "\n" if last else "\t"))
                if chars > MAX_TEXT_CHARS:
                    raise _fail(name, f"workbook holds over {MAX_TEXT_CHARS:,} characters")
        wb.close()
    except EvidenceFileError:
        raise
    except Exception as exc:
        raise _fail(name, f"not a readable xlsx file ({type(exc).__name__})") from None
    return segments


def _structured_text(name: str, suffix: str, text: str) -> list[Segment]:
    if suffix == ".json":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise _fail(name, f"invalid JSON at line {exc.lineno} column {exc.colno}") from None
    elif suffix == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    json.loads(line)
                except json.JSONDecodeError:
                    raise _fail(name, f"invalid JSON on line {number}") from None
    elif suffix == ".csv":
        try:
            for _ in csv.reader(io.StringIO(text)):
                pass
        except csv.Error as exc:
            raise _fail(name, f"invalid CSV ({exc})") from None
    return _lines(text)


def extract(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Extracted:
    """Sniff, check and extract one file; raises ``EvidenceFileError`` with a one-line reason."""
    media_type = sniff(name, data, max_bytes=max_bytes)
    suffix = PurePath(name).suffix.lower()
    if suffix == ".pdf":
        segments = _pdf(name, data)
    elif suffix == ".docx":
        segments = _docx(name, data)
    elif suffix == ".xlsx":
        segments = _xlsx(name, data)
    else:
        text = _decode(name, data)
        if len(text) > MAX_TEXT_CHARS:
            raise _fail(name, f"holds over {MAX_TEXT_CHARS:,} characters")
        segments = _structured_text(name, suffix, text)
    if not any(s.text.strip() for s in segments):
        raise _fail(name, "no text could be extracted (a scanned PDF needs OCR first)")
    return Extracted(media_type, segments)
