"""Evidence text extraction: real documents give located text; hostile or mislabelled files are refused in one line."""

from __future__ import annotations

import pytest

from aismm_assistant.evidence.extract import EvidenceFileError, extract
from aismm_assistant.evidence.quotes import locate, verify
from tests.support import evidence_samples as samples


def test_pdf_pages_are_located_and_quotes_verify():
    text = extract("policy.pdf", samples.make_pdf())
    assert text.media_type == "application/pdf"
    assert [s.locator for s in text.segments] == ["p. 1", "p. 2"]
    quote = "94% of staff completed the attestation"
    assert locate(text, quote) == "p. 2"
    assert verify(text, quote, "p. 2") and not verify(text, quote, "p. 1")
    assert locate(text, "Approved by the AI Governance Council") == "p. 1"
    assert locate(text, "98% of staff completed") is None  # not in the document: never verified


def test_docx_paragraphs_and_tables():
    data = samples.make_docx(["Model register", "Every production model has an owner."],
                             table=[["Model", "Owner"], ["claims-classifier", "Claims Ops"]])
    text = extract("register.docx", data)
    assert locate(text, "Every production model has an owner.") == "para 2"
    assert locate(text, "claims-classifier\tClaims Ops") == "table 1 row 2"


def test_xlsx_cells_are_located_sheet_and_cell():
    data = samples.make_xlsx([["Application", "Model", "Hash recorded"],
                              ["claims-triage", "claims-classifier", "yes"],
                              ["support-assistant", "gpt-4o", "no"]], title="AI-BOM")
    text = extract("inventory.xlsx", data)
    assert locate(text, "gpt-4o") == "AI-BOM!B3"
    assert locate(text, "claims-triage\tclaims-classifier") == "AI-BOM!A2-AI-BOM!B2"


@pytest.mark.parametrize("name,data,line", [
    ("notes.md", b"# Policy\n\nOwner: CISO\nReviewed every 12 months.\n", "line 4"),
    ("roster.csv", b"name,attested\nalice,2026-03-01\nbob,2026-03-04\nReviewed every 12 months,x\n", "line 4"),
    ("config.json", b'{\n  "owner": "CISO",\n  "review": "Reviewed every 12 months"\n}\n', "line 3"),
    ("log.txt", "\ufeffline one\nline two\nReviewed every 12 months\n".encode(), "line 3"),
])
def test_text_formats_have_line_locators(name, data, line):
    assert locate(extract(name, data), "Reviewed every 12 months") == line


@pytest.mark.parametrize("name,make,reason", [
    ("broken.pdf", samples.broken_pdf, "not a readable PDF"),
    ("bomb.pdf", samples.pdf_flate_bomb, "not a readable PDF (LimitReachedError"),
    ("bomb.docx", lambda: samples.zip_bomb("docx"), "zip bomb"),
    ("bomb.xlsx", lambda: samples.zip_bomb("xlsx"), "zip bomb"),
    ("crowded.docx", samples.many_entries_docx, "entries, over the limit"),
    ("policy.docx", samples.make_pdf, "not a docx file"),
    ("policy.pdf", lambda: samples.make_docx(["x"]), "not a PDF"),
    ("readme.txt", lambda: b"MZ\x90\x00\x03\x00\x00\x00binary", "binary content"),
    ("latin1.md", lambda: "Politique révisée".encode("latin-1"), "not UTF-8"),
    ("bad.json", lambda: b'{"owner": "CISO",}', "invalid JSON"),
    ("tool.exe", lambda: b"anything", "unsupported file type"),
    ("empty.md", lambda: b"", "empty"),
    ("truncated.docx", lambda: samples.make_docx(["x"])[:300], "corrupt zip container"),
])
def test_hostile_and_mislabelled_files_are_refused_in_one_line(name, make, reason):
    with pytest.raises(EvidenceFileError) as err:
        extract(name, make())
    message = str(err.value)
    assert reason in message and name in message and "\n" not in message
    assert message.endswith("nothing was stored")


def test_oversized_file_is_refused_before_parsing():
    with pytest.raises(EvidenceFileError, match="over the 1 MB limit"):
        extract("big.md", b"a" * (1024 * 1024 + 1), max_bytes=1024 * 1024)


def test_pdf_without_text_says_so():
    with pytest.raises(EvidenceFileError, match="no text could be extracted"):
        extract("scan.pdf", samples.make_pdf([[]]))
