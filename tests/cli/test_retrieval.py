"""The CLI shells: `search`, `ask`, `index`, `bench` contracts and one-line errors (no model needed)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from aismm_assistant.cli.main import app

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args))


def test_search_json_contract_for_an_id():
    res = _run("search", "mod 3.1", "-k", "3", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["query"] == "mod 3.1"
    assert [r["control_id"] for r in data["results"]][0] == "MOD-03.1"
    assert len(data["results"]) == 3
    for r in data["results"]:
        assert set(r) >= {"control_id", "score", "category", "level", "name"}
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_table_output_names_the_control():
    res = _run("search", "GOV-02.1", "-k", "2")
    assert res.exit_code == 0
    assert "GOV-02.1" in res.stdout


def test_search_table_title_does_not_parse_the_query_as_rich_markup():
    res = _run("search", "GOV-02.1 [/]", "-k", "2")
    assert res.exit_code == 0, res.output
    assert "[/]" in res.stdout


def test_ask_json_contract():
    res = _run("ask", "What does GOV-02.1 require?", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["citations"] == ["GOV-02.1"]
    assert {s["control_id"] for s in data["sources"]} == {"GOV-02.1"}
    assert "[GOV-02.1]" in data["answer"]


@pytest.mark.parametrize(
    "args",
    [
        ("search", ""),
        ("search", "x", "-k", "0"),
        ("search", "x", "-k", "99"),
        ("search", "x", "--category", "NOPE"),
        ("search", "x", "--level", "1"),
        ("search", "x", "--deployment", "mainframe"),
        ("ask", " "),
        ("ask", "What does MOD-03.1 require?", "--llm", "nonsense"),
        ("bench", "retrieval", "--queries", "/no/such/path"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_1(args, aismm_home):
    res = _run(*args)
    assert res.exit_code == 1
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in res.output
    assert not (aismm_home / "index").exists()  # nothing built, nothing changed


def test_bench_rejects_a_malformed_query_file(tmp_path):
    bad = tmp_path / "q.yaml"
    bad.write_text("queries:\n  - query: prompt logging\n    relevant: [MOD-09.9]\n", encoding="utf-8")
    res = _run("bench", "retrieval", "--queries", str(bad))
    assert res.exit_code == 1
    assert "unknown control ID MOD-09.9" in res.stderr


def test_bad_chroma_url_is_a_clear_error(monkeypatch):
    from aismm_assistant.settings import reset_settings

    monkeypatch.setenv("AISMM_CHROMA_URL", "ftp://example")
    reset_settings()
    res = _run("index")
    assert res.exit_code == 1
    assert "expected http(s)://host:port" in res.stderr
