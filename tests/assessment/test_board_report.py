"""Issue 14, item 3: the board report carries its audit trail, in HTML, Markdown, PDF and docx."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from aismm_assistant.assessment.record import AssessmentCreate, Citation, Proposal, Scope
from aismm_assistant.assessment.storage import get_store

try:  # the test tree after the reorganisation on main (tests/support/)
    from tests.support import assessment as support
    from tests.support.assessment import cli, cli_json
except ImportError:  # this branch's layout
    from tests import test_assessment_support as support  # type: ignore[no-redef]
    from tests.test_assessment_support import cli, cli_json  # type: ignore[no-redef]

corpus_dir = support.corpus_dir  # the shared fixture
XSS = "<script>alert(1)</script>"


@pytest.fixture
def reviewed(corpus_dir) -> str:
    """An earlier and a current assessment of one organisation; GOV signed off, IAM with an override."""
    store = get_store()
    scope = Scope(categories=["GOV", "IAM", "MOD", "IR"])
    old = store.create_assessment(AssessmentCreate(organization="Acme  Bank", scope=scope)).id
    store.set_result(old, "GOV-02.1", "met", actor="alice")
    store.set_result(old, "GOV-03.1", "not_met", actor="alice")
    store.confirm_level(old, "GOV", level=2, actor="alice", rationale="last year")
    aid = store.create_assessment(AssessmentCreate(organization=f"Acme Bank {XSS}", scope=scope)).id
    store.update_assessment(aid, lambda r: setattr(r, "organization", "acme bank"))
    store.set_result(aid, "GOV-02.1", "met", actor="alice", evidence=[f"AUP v3 {XSS}"])
    store.set_result(aid, "GOV-03.1", "met", actor="alice", evidence=["Council charter"])
    store.set_result(aid, "GOV-04.1", "partial", actor="alice", notes="awareness 88 %, builder 61 %")
    store.confirm_level(aid, "GOV", level=3, actor="carol", rationale="Charter and minutes reviewed on site")
    store.propose_results(aid, [Proposal(
        control_id="IAM-02.1", status="met", confidence=0.7, interview_id="int-1",
        citations=[Citation(turn=0, quote="SSO everywhere"), Citation(turn=1, quote="MFA for admins"),
                   Citation(turn=2, quote="service keys in a vault")])])
    store.confirm_result(aid, "IAM-02.1", status="partial", actor="carol", rationale="two teams on static keys")
    store.confirm_level(aid, "IAM", level=1, actor="carol", rationale="L2 short on keys")
    store.propose_results(aid, [Proposal(control_id="IAM-03.1", status="met", confidence=0.4)])
    store.set_target(aid, "GOV", 4, actor="carol")
    store.set_target(aid, "IAM", 3, actor="carol")
    store.exclude_category(aid, "MOD", reason="no hosted models", actor="carol")
    return aid


def _export(aid: str, fmt: str, tmp_path) -> bytes:
    path = tmp_path / f"r.{fmt}"
    cli_json("assessment", "export", aid, "--format", fmt, "-o", path)
    return path.read_bytes()


def test_html_report_has_summary_method_signoff_and_the_audit_trail(reviewed, tmp_path):
    html = _export(reviewed, "html", tmp_path).decode()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Executive summary" in html and "Method" in html and "Sign-off" in html
    assert "2 of 4</div>" in html  # GOV and IAM assessed, MOD excluded, IR not
    assert "data-state='not_assessed'" in html and "L1 Initial" not in html.split("Sign-off")[0].split("IAM")[0]
    # sign-off: who, when, why
    assert "Charter and minutes reviewed on site" in html and "carol" in html
    # the override keeps the three quotes behind it, numbered as the review page numbers answers
    iam = html.split("data-control='IAM-02.1'")[1].split("</tr>")[0]
    assert "Proposed Met, overridden by carol" in iam and "two teams on static keys" in iam
    assert "“SSO everywhere” (interview int-1, answer 1)" in iam and "answer 3" in iam and "turn" not in iam
    assert "none recorded" not in iam
    gov4 = html.split("data-control='GOV-04.1'")[1].split("</tr>")[0]
    assert "awareness 88 %, builder 61 %" in gov4
    assert "as of 20" in html  # evidence dates
    # trend against the earlier assessment of the same organisation (case and spacing ignored)
    assert "Trend since" in html and "+1" in html.split("Trend since")[1].split("</table>")[0]
    assert "Excluded: MOD — no hosted models" in html
    assert "representative text, not the official CSA wording" in html


def test_markdown_escapes_user_text(reviewed, tmp_path):
    md = _export(reviewed, "md", tmp_path).decode()
    assert "<script" not in md and "&lt;script&gt;" in md
    assert "## Executive summary" in md and "## Sign-off" in md and "## Method" in md
    assert "(interview int\\-1" not in md and "interview int-1, answer 2" in md
    from aismm_assistant.assessment.reports import md as md_escape

    assert md_escape("[click](javascript:x) *b* | c") == "\\[click\\](javascript:x) \\*b\\* \\| c"


def test_docx_report_has_the_same_sections(reviewed, tmp_path):
    from docx import Document

    data = _export(reviewed, "docx", tmp_path)
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert {"Executive summary", "Method", "Sign-off", "Evidence by objective"} <= set(headings)
    cells = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Charter and minutes reviewed on site" in cells and "“MFA for admins” (interview int-1, answer 2)" in cells
    assert "awareness 88 %, builder 61 %" in cells
    assert zipfile.is_zipfile(io.BytesIO(data))


def test_pdf_report_prints_with_page_numbers(reviewed, tmp_path):
    import shutil
    import subprocess

    from aismm_assistant.assessment.report_pdf import find_chromium
    from tests.support.ci import need

    need(find_chromium(), "needs Chromium to print the PDF")
    data = _export(reviewed, "pdf", tmp_path)
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 3
    need(shutil.which("pdftotext"), "needs pdftotext (poppler-utils) to read the PDF back")
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Executive summary" in text and f"Page 1 of {pages}" in text
    assert "<script>" in text  # shown as text, never run


def test_pdf_without_chromium_is_a_one_line_error(reviewed, tmp_path, monkeypatch):
    monkeypatch.setenv("AISMM_CHROMIUM", "/nonexistent")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("aismm_assistant.assessment.report_pdf.Path.is_file", lambda self: False)
    code, _, err = cli("assessment", "export", reviewed, "--format", "pdf", "-o", tmp_path / "x.pdf")
    assert code == 1 and err.startswith("error: PDF export needs Chromium") and err.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()
