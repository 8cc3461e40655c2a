"""Golden-set loading, validation and agreement metrics; the eval CLI and its HTML report."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from aismm_assistant.cli.main import app
from aismm_assistant.errors import ValidationError
from aismm_assistant.evals.agreement import evaluate
from aismm_assistant.evals.golden import load_golden
from aismm_assistant.evals.metrics import macro_f1, quadratic_weighted_kappa
from tests.support import DATA

GOLDEN = DATA / "interview_golden_dev.yaml"
runner = CliRunner()


def test_qwk_known_values():
    assert quadratic_weighted_kappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]) == pytest.approx(1.0)
    assert quadratic_weighted_kappa([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]) == pytest.approx(-1.0)
    near = quadratic_weighted_kappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 4])
    far = quadratic_weighted_kappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 1])
    assert 0 < far < near < 1


def test_macro_f1():
    assert macro_f1([("met", "met"), ("not_met", "not_met")]) == 1.0
    assert macro_f1([("met", "met"), ("met", "partial")]) == pytest.approx((2 / 3 + 0) / 2)


@pytest.mark.parametrize("body, reason", [
    ("categories:\n  XYZ:\n    turns: [{answer: hi}]\n    expected: {level: 2}\n", "unknown category"),
    ("categories:\n  DEV:\n    turns: [{answer: hi}]\n    expected: {level: 7}\n", "invalid level"),
    ("categories:\n  DEV:\n    turns: [{answer: hi}]\n    expected: {level: 2, controls: {DEV-09.9: met}}\n",
     "unknown control"),
    ("categories:\n  DEV:\n    turns: [{answer: hi}]\n    expected: {level: 2, controls: {GOV-02.1: met}}\n",
     "unknown control"),
    ("categories:\n  DEV:\n    turns: [{answer: hi}]\n    expected: {level: 2, controls: {DEV-02.1: done}}\n",
     "invalid status"),
    ("categories:\n  DEV:\n    turns: []\n", "turns"),
])
def test_golden_validation_names_file_case_and_reason(tmp_path, body, reason):
    path = tmp_path / "broken.yaml"
    path.write_text(body)
    with pytest.raises(ValidationError) as err:
        load_golden(path)
    assert str(path) in str(err.value) and reason in str(err.value)
    if "DEV" in body and reason != "unknown category":
        assert "case DEV" in str(err.value)


def test_evaluate_own_golden_file():
    result = evaluate(GOLDEN)
    assert result["cases"] == 1
    assert result["level_exact"] == 1.0 and result["citation_validity"] == 1.0
    assert result["controls_compared"] == 5
    assert result["confusion_matrix"]["matrix"][1][1] == 1


def test_folder_does_not_recurse_into_holdout(tmp_path):
    shutil.copy(GOLDEN, tmp_path / "a.yaml")
    (tmp_path / "holdout").mkdir()
    shutil.copy(GOLDEN, tmp_path / "holdout" / "b.yaml")
    assert evaluate(tmp_path)["cases"] == 1
    assert evaluate(tmp_path / "holdout")["cases"] == 1


def test_eval_cli_json_table_and_report(tmp_path):
    res = runner.invoke(app, ["eval", str(GOLDEN), "--json", "--report", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    for key in ("cases", "level_exact", "level_within_one", "qwk", "control_macro_f1", "citation_validity",
                "abstention_rate", "per_category", "per_level", "confusion_matrix"):
        assert key in data
    page = (tmp_path / "r.html").read_text()
    assert "<svg" in page and "http" not in page.split("<body>")[1].replace('xmlns="http://www.w3.org/2000/svg"', "")
    table = runner.invoke(app, ["eval", str(GOLDEN)])
    assert table.exit_code == 0 and "qwk" in table.output and "citation_validity" in table.output


def test_eval_missing_path_is_one_line_error(tmp_path):
    res = runner.invoke(app, ["eval", str(tmp_path / "nothing")])
    assert res.exit_code == 1 and "no such file" in res.output
