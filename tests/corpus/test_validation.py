"""Every validation rule of the corpus, each with a failing example that names file, entry and reason."""

from __future__ import annotations

import copy

import pytest
import yaml

from aismm_assistant.corpus import load_corpus_dir
from aismm_assistant.errors import CorpusError
from tests.support.factories import category_dict, write_corpus


def test_synthetic_corpus_is_valid(tmp_path):
    corpus = load_corpus_dir(write_corpus(tmp_path / "c"))
    assert len(corpus.categories) == 12
    assert len(corpus.controls) == 48
    assert len(corpus.content_hash) == 16


def _broken(mutate) -> dict:
    cat = copy.deepcopy(category_dict("MOD", per_level=2))
    mutate(cat)
    return cat


CASES = {
    "bad id format": (lambda c: c["controls"][0].update(id="MOD-3.1"), "is not PREFIX-0L.N"),
    "level 1 objective": (lambda c: c["controls"][0].update(id="MOD-01.1", level=1), "is not PREFIX-0L.N"),
    "id disagrees with level": (lambda c: c["controls"][0].update(level=3), "declared at level 3"),
    "prefix disagrees with category": (lambda c: c["controls"][0].update(id="GOV-02.1"), "does not match category MOD"),
    "unknown prefix": (lambda c: c["controls"][0].update(id="XYZ-02.1"), "unknown category prefix"),
    "duplicate id": (lambda c: c["controls"][1].update(id=c["controls"][0]["id"]), "duplicate control ID"),
    "too many per level": (
        lambda c: c["controls"].extend(
            [dict(c["controls"][0], id="MOD-02.3"), dict(c["controls"][0], id="MOD-02.4")]
        ),
        "level 2 has 4 objectives",
    ),
    "empty level": (lambda c: c.update(controls=[x for x in c["controls"] if x["level"] != 4]), "level 4 has 0"),
    "numbering gap": (lambda c: c["controls"][1].update(id="MOD-02.3"), "numbered 1..2"),
    "bad deployment type": (lambda c: c["controls"][0].update(deployment_types=["On-prem"]), "unknown deployment type"),
    "All combined": (lambda c: c["controls"][0].update(deployment_types=["All", "PaaS"]), "'All' cannot be combined"),
    "bad mode": (lambda c: c["controls"][0].update(assessment_mode="Sometimes"), "assessment mode"),
    "aicm outside domains": (lambda c: c["controls"][0].update(aicm=["XYZ-01"]), "18 AICM domains"),
    "unknown field": (lambda c: c["controls"][0].update(colour="red"), "Extra inputs"),
    "wrong domain": (lambda c: c.update(domain="Foundational"), "belongs to the Structural domain"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_rule_fails_with_file_entry_and_reason(tmp_path, name):
    mutate, reason = CASES[name]
    write_corpus(tmp_path / "c", {"MOD": _broken(mutate)})
    with pytest.raises(CorpusError) as exc:
        load_corpus_dir(tmp_path / "c")
    message = str(exc.value)
    assert "MOD.yaml" in message
    assert reason in message
    assert "\n" not in message


def test_missing_category_and_bad_yaml(tmp_path):
    d = write_corpus(tmp_path / "c")
    (d / "categories" / "IR.yaml").unlink()
    with pytest.raises(CorpusError, match="missing categories: IR"):
        load_corpus_dir(d)
    (d / "categories" / "IR.yaml").write_text("id: IR\ncontrols: [\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="IR.yaml.*not valid YAML"):
        load_corpus_dir(d)


def test_no_metadata_file(tmp_path):
    d = write_corpus(tmp_path / "c")
    (d / "corpus.yaml").unlink()
    with pytest.raises(CorpusError, match="no corpus.yaml"):
        load_corpus_dir(d)


def test_deployment_spellings_are_normalised(tmp_path):
    cat = category_dict("INF")
    cat["controls"][0]["deployment_types"] = ["self hosted", "paas"]
    cat["controls"][1]["deployment_types"] = ["Self-hosted", "PaaS", "API/SaaS"]
    corpus = load_corpus_dir(write_corpus(tmp_path / "c", {"INF": cat}))
    inf = corpus.category("INF")
    assert inf.controls[0].deployment_types == ["Self-hosted", "PaaS"]
    assert inf.controls[1].deployment_types == ["All"]
    assert inf.controls[0].applies_to(["PaaS"]) and not inf.controls[0].applies_to(["API/SaaS"])


def test_hash_changes_with_content(tmp_path):
    a = load_corpus_dir(write_corpus(tmp_path / "a"))
    cat = category_dict("GOV")
    cat["controls"][0]["objective"] += " Changed."
    b = load_corpus_dir(write_corpus(tmp_path / "b", {"GOV": cat}))
    assert a.content_hash != b.content_hash
    assert yaml.safe_load((tmp_path / "a" / "corpus.yaml").read_text())["representative"] is True
