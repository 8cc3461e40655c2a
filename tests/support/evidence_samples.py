"""Small real documents for the evidence tests, built in code: PDF (hand-written objects), DOCX, XLSX,
and the hostile ones (broken PDF, zip bombs, wrong types). No tests here."""

from __future__ import annotations

import functools
import io
import zipfile

POLICY_PAGES = [
    ["Northwind AI Acceptable Use Policy", "Version 3.2, owned by the Chief Information Security Officer.",
     "Approved by the AI Governance Council on 4 March 2026."],
    ["Section 4. Attestation", "All employees and contractors attest to this policy every 12 months.",
     "In the 2026 cycle 94% of staff completed the attestation in the learning platform."],
]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]] = POLICY_PAGES) -> bytes:
    """A valid PDF with one Helvetica text line per entry, pages in order (xref offsets computed)."""
    n = len(pages)
    font_id = 3 + 2 * n
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>",
                            ("<< /Type /Pages /Kids [" + " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
                             + f"] /Count {n} >>").encode()]
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            ops += [f"({_escape(line)}) Tj", "T*"]
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode())
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_xlsx(rows: list[list[object]], title: str = "Inventory") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_bomb(kind: str = "docx", inflated_mb: int = 40) -> bytes:
    """A real Office container whose one extra member inflates from a few KB to ``inflated_mb`` MB."""
    base = make_docx(["Harmless looking text."]) if kind == "docx" else make_xlsx([["a", "b"]])
    src = zipfile.ZipFile(io.BytesIO(base))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        with out.open("word/media/padding.bin" if kind == "docx" else "xl/media/padding.bin", "w") as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(inflated_mb):
                fh.write(chunk)
    return buf.getvalue()


def many_entries_docx(count: int = 2_500) -> bytes:
    base = zipfile.ZipFile(io.BytesIO(make_docx(["x"])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for info in base.infolist():
            out.writestr(info, base.read(info))
        for i in range(count):
            out.writestr(f"customXml/bulk{i}.xml", b"<a/>")
    return buf.getvalue()


def broken_pdf() -> bytes:
    """Starts like a PDF, then its objects and cross-reference table are garbage."""
    good = make_pdf()
    return good[:60] + b"\x00garbage" * 40 + b"\n%%EOF\n"


@functools.lru_cache(maxsize=2)
def pdf_flate_bomb(inflated_mb: int = 90) -> bytes:
    """A PDF whose one content stream is ~100 KB deflated and ``inflated_mb`` MB inflated."""
    import zlib

    comp = zlib.compress(b"BT (x) Tj ET\n" + b" " * (inflated_mb * 1024 * 1024), 9)
    pdf = make_pdf([["a"]])
    start = pdf.index(b"4 0 obj")
    end = pdf.index(b"endobj", start) + len(b"endobj\n")
    body = b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream\nendobj\n"
    return pdf[:start] + body + pdf[end:]
