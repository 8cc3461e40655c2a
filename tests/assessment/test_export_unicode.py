"""Every export format holds any Unicode the API accepts: no 500, no broken file, no spoofing.

Names, answers, evidence and notes are fuzzed (hypothesis) through json, yaml, csv, xlsx, md, html
and OSCAL; control characters are dropped or escaped, bidi overrides never reach a file raw, and
Markdown/HTML never carry live markup from user text.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from aismm_assistant.textsafe import BIDI_CONTROLS, clean_text, md_text
from tests.support.api import Api, api_fixture  # noqa: F401 - registers the "api" fixture

SPECIALS = [
    "\x00", "\x01", "\x06", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\x7f", "\x85", "\x9f",
    "\r", "\n", "\t", "\u2028", "\u2029", "\ufffe", "\uffff", "\ufeff", "\u200f", *BIDI_CONTROLS,
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "|", "*", "_", "`", "[x](javascript:1)",
    "&amp;", "&lt;", "\\", "#", "=HYPERLINK(\"http://x\")", "@SUM(1)", "𝔘𝔫𝔦", "عربى", "👩‍💻",
]
FORMATS = ("json", "yaml", "csv", "xlsx", "md", "html", "oscal")
# what must never appear raw in a human-facing document
RAW_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff" + BIDI_CONTROLS + "]")
# JSON and YAML: the same, plus the line separators (escaped, never raw)
RAW_FORBIDDEN_DATA = re.compile(RAW_FORBIDDEN.pattern[:-1] + "\u2028\u2029]")

pieces = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12),
)
texts = st.lists(pieces, min_size=1, max_size=6).map("".join)
names = texts.filter(lambda s: s.split() != [] and len(s) <= 200)


@pytest.fixture(scope="module")
def corpus():
    from aismm_assistant.corpus import load_corpus

    return load_corpus()


def _record(corpus, org: str, text: str, who: str):
    from aismm_assistant.assessment import actions
    from aismm_assistant.assessment.record import AssessmentCreate, Citation, Proposal, Scope

    record = actions.new_assessment(
        AssessmentCreate(organization=org, scope=Scope(deployment_types=["PaaS"], categories=["GOV"]), created_by=who),
        corpus,
    )
    actions.set_result(record, corpus, "GOV-02.1", "met", actor=who, evidence=[text], notes=text)
    actions.propose_results(record, corpus, [Proposal(control_id="GOV-02.2", status="partial",
                                                      citations=[Citation(turn=0, quote=text)])])
    return record


def _md_plain(fragment: str) -> str:
    """Undo md_text: backslash escapes, then the three entities."""
    return html.unescape(re.sub(r"\\(.)", r"\1", fragment))


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.append(tag)
        self.handlers += [k for k, _ in attrs if k.startswith("on")]
        self._in_title = tag == "title"

    def handle_endtag(self, tag):  # noqa: ANN001
        self._in_title = False

    def handle_data(self, data):  # noqa: ANN001
        if self._in_title:
            self.title += data


def _check_all_formats(record, corpus, tmp: Path, org: str, text: str) -> None:
    from aismm_assistant.assessment.exports import export_assessment
    from aismm_assistant.workbook import csv_safe

    out = {fmt: export_assessment(record, corpus, fmt, tmp / f"x.{fmt}") for fmt in FORMATS}
    org_clean = clean_text(record.organization)

    for fmt, loader in (("json", json.loads), ("yaml", yaml.safe_load)):
        raw = out[fmt].read_text(encoding="utf-8")
        assert not RAW_FORBIDDEN_DATA.search(raw), f"{fmt}: raw invisible character"
        doc = loader(raw)
        assert doc["record"]["organization"] == record.organization, f"{fmt} does not round-trip the name"
        assert doc["record"]["results"]["GOV-02.1"]["evidence"][0]["text"] == text
        assert doc["record"]["results"]["GOV-02.1"]["notes"] == text

    oscal_raw = out["oscal"].read_text(encoding="utf-8")
    assert not RAW_FORBIDDEN_DATA.search(oscal_raw)
    assert json.loads(oscal_raw)["assessment-results"]["metadata"]["title"] == f"AISMM assessment of {record.organization}"

    csv_raw = out["csv"].read_text(encoding="utf-8")
    assert not RAW_FORBIDDEN.search(csv_raw), "csv: raw control or bidi character"
    row = next(r for r in csv.reader(io.StringIO(csv_raw, newline="")) if r[1] == "GOV-02.1")
    assert row[9] == csv_safe(clean_text(text))

    wb = load_workbook(out["xlsx"])
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]}
    assert (summary.get("Organization") or "") == org_clean
    gov = {r[0]: r for r in wb["GOV"].iter_rows(values_only=True)}
    assert (gov["GOV-02.1"][9] or "") == clean_text(text)
    for ws in wb.worksheets:
        for r in ws.iter_rows(values_only=True):
            for v in r:
                assert not (isinstance(v, str) and RAW_FORBIDDEN.search(v)), f"xlsx cell {v!r}"

    md = out["md"].read_text(encoding="utf-8")
    assert not RAW_FORBIDDEN.search(md), "md: raw control or bidi character"
    prose = re.sub(r"<svg.*?</svg>", "", md, flags=re.S)
    assert "<" not in prose, "md: raw markup outside the chart"
    title = md.splitlines()[0]
    assert title == "# AI security maturity — " + md_text(record.organization)
    assert _md_plain(title.removeprefix("# AI security maturity — ")) == clean_text(record.organization, newlines=False)
    evidence_line = next(line for line in md.splitlines() if line.startswith("  - “"))
    assert "\n" not in evidence_line
    assert _md_plain(evidence_line).startswith("  - “" + clean_text(text, newlines=False) + "”")

    page = out["html"].read_text(encoding="utf-8")
    assert not RAW_FORBIDDEN.search(page), "html: raw control or bidi character"
    parser = _Html()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags and parser.handlers == []
    assert parser.title == "AI security maturity — " + org_clean


@given(org=names, text=texts, who=names)
@settings(max_examples=60, deadline=None, derandomize=True, database=None, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_fuzzed_names_and_answers_survive_every_format(corpus, tmp_path: Path, org: str, text: str, who: str) -> None:
    _check_all_formats(_record(corpus, org, text, who), corpus, tmp_path, org, text)


@pytest.mark.parametrize("org", ["Acme\x06Bank", "Acme \u202eknaB\u202c Health", "<script>x</script> | *Acme*"])
def test_the_reported_names_export_in_every_format(corpus, tmp_path: Path, org: str) -> None:
    text = org + "\x01 said\r\nyes"
    _check_all_formats(_record(corpus, org, text, "priya"), corpus, tmp_path, org, text)


def test_xlsx_export_of_a_control_character_name_over_the_api(api: Api) -> None:
    """The probe's 500: organisation 'Acme\\u0006Bank', then the workbook; the next request still works."""
    resp = api.post("/api/assessments", "alice", json={"organization": "Acme\u0006Bank"})
    assert resp.status_code == 201, resp.text
    aid = resp.json()["id"]
    for fmt in FORMATS:
        got = api.get(f"/api/assessments/{aid}/export?format={fmt}", "alice")
        assert got.status_code == 200, (fmt, got.text)
    wb = load_workbook(io.BytesIO(api.get(f"/api/assessments/{aid}/export?format=xlsx", "alice").content))
    assert {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]}["Organization"] == "AcmeBank"
    assert api.get("/api/health").status_code == 200


def test_an_unexpected_error_is_a_json_500_and_is_not_re_raised(aismm_home: Path) -> None:
    """Re-raising made the server drop the keep-alive connection; the client's next request failed."""
    from fastapi.testclient import TestClient

    from aismm_assistant.api.app import create_app

    app = create_app()

    @app.get("/api/_boom", include_in_schema=False)
    def boom() -> dict:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=True) as client:  # would raise here if re-raised
        resp = client.get("/api/_boom")
        assert resp.status_code == 500
        assert resp.json() == {"error": "internal error; see the server log"}
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert client.get("/api/health").status_code == 200
