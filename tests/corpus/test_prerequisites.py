"""Cross-category prerequisites as data: validated, shown in lookup and the category listing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aismm_assistant.cli.main import app
from aismm_assistant.corpus import load_corpus, load_corpus_dir
from aismm_assistant.errors import CorpusError
from aismm_assistant.prerequisites import parse_prerequisites, prerequisites_for

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _json(*args: str) -> dict:
    res = CliRunner().invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_level_4_capabilities_assume_other_categories_at_level_3():
    corpus = load_corpus(CORPUS)
    assert corpus.prerequisites
    for p in corpus.prerequisites:
        assert p.level == 4 and all(lv == 3 for lv in p.requires.values())
    mod4 = prerequisites_for(corpus, "MOD", 4)
    assert mod4 and {r["category"] for r in mod4[0]["requires"]} == {"GOV", "ORG"}
    assert prerequisites_for(corpus, "MOD", 3) == []


def test_lookup_and_category_listing_show_them():
    data = _json("lookup", "IR-04.3")
    assert [r["category"] for r in data["prerequisites"][0]["requires"]] == ["MON", "IAM"]
    assert _json("lookup", "IR-03.1")["prerequisites"] == []
    listing = _json("corpus", "list", "--category", "APP")
    assert listing["categories"][0]["prerequisites"][0]["level"] == 4
    text = CliRunner().invoke(app, ["lookup", "APP-04.1"]).stdout
    assert "prerequisite: APP L4 assumes MOD L3, MON L3" in text


@pytest.mark.parametrize(("entries", "message"), [
    ([{"category": "GOV", "level": 4, "requires": {"GOV": 3}, "why": "a reason long enough"}], "its own category"),
    ([{"category": "XYZ", "level": 4, "requires": {"GOV": 3}, "why": "a reason long enough"}], "unknown category"),
    ([{"category": "GOV", "level": 4, "requires": {"ORG": 7}, "why": "a reason long enough"}], "levels are 2-5"),
    ([{"category": "GOV", "level": 4, "requires": {"ORG": 4}, "why": "a reason long enough"},
      {"category": "ORG", "level": 4, "requires": {"GOV": 4}, "why": "a reason long enough"}], "depends on itself"),
])
def test_bad_prerequisites_fail_validation(entries, message):
    with pytest.raises(CorpusError, match=message):
        parse_prerequisites({"prerequisites": entries}, "dependencies.yaml")


def test_a_broken_dependencies_file_fails_corpus_validate(tmp_path):
    d = tmp_path / "corpus"
    shutil.copytree(CORPUS, d)
    (d / "dependencies.yaml").write_text("prerequisites:\n  - category: MOD\n    level: 4\n    requires: {MOD: 3}\n"
                                         "    why: loops on itself\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="cannot require its own category"):
        load_corpus_dir(d)
    res = CliRunner().invoke(app, ["corpus", "validate", str(d)])
    assert res.exit_code != 0 and "dependencies.yaml" in res.stderr
