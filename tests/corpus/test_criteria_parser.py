"""Criteria parsed from objective text: the parser recovers the hand-written criteria of the corpus,
splits compound objectives generically, and authored overrides are validated and applied."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from aismm_assistant.cli.main import app
from aismm_assistant.corpus import load_authored_criteria, load_corpus_dir, read_criteria_file
from aismm_assistant.criteria import Measure, criteria_for, measure_keys, parse_criteria, parse_objective
from aismm_assistant.errors import CorpusError
from aismm_assistant.model import AuthoredCriterion, Control
from tests.support.factories import write_corpus

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus_dir(CORPUS)


@pytest.fixture(scope="module")
def gold(corpus):
    return read_criteria_file(CORPUS / "criteria.yaml", set(corpus.control_ids()))


def _gold_keys(items: list[AuthoredCriterion]) -> list:
    return sorted(Measure(a.measure.kind, a.measure.comparator, a.measure.value, a.measure.unit).key()
                  for a in items if a.measure)


def test_every_objective_has_authored_criteria(corpus, gold):
    assert set(gold) == set(corpus.control_ids())
    assert all(1 <= len(v) <= 4 for v in gold.values())


def test_parser_recovers_authored_measures_for_95_percent(corpus, gold):
    agree = [c.id for c in corpus.controls if measure_keys(parse_criteria(c)) == _gold_keys(gold[c.id])]
    rate = len(agree) / len(corpus.controls)
    print(f"parser recovers authored measures for {len(agree)}/{len(corpus.controls)} objectives ({rate:.1%})")
    assert rate >= 0.95


def test_every_objective_gets_one_to_four_criteria(corpus):
    for c in corpus.controls:
        crits = criteria_for(c)
        assert 1 <= len(crits) <= 4, c.id
        assert all(k.text for k in crits)


def test_overrides_applied_only_where_the_parser_disagrees(corpus, gold):
    overridden = {c.id for c in corpus.controls if criteria_for(c)[0].authored}
    disagree = {c.id for c in corpus.controls if measure_keys(parse_criteria(c)) != _gold_keys(gold[c.id])}
    assert overridden == disagree
    for cid in overridden:
        crits = criteria_for(corpus.control(cid))
        assert all(k.authored for k in crits)
        assert measure_keys(crits) == _gold_keys(gold[cid])


def _control(objective: str, cid: str = "GOV-03.9") -> Control:
    return Control(id=cid, level=3, name="Synthetic objective", objective=objective, deployment_types=["All"],
                   assessment_mode="Manual")


def _keys(text: str) -> list:
    return measure_keys(parse_objective("X", text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Backups of the feature store are verified at least monthly, and restore tests run twice a year.",
         [("cadence", ">=", 2.0, "per year"), ("cadence", ">=", 12.0, "per year")]),
        ("No more than 5% of vendor contracts lack an exit clause.", [("percent", "<=", 5.0, "%")]),
        ("Stale entries are removed within two weeks; at least 99 percent of entries have an owner.",
         [("duration", "<=", 14.0, "days"), ("percent", ">=", 99.0, "%")]),
        ("Pager escalation reaches the on-call lead within 30 minutes.", [("duration", "<=", 0.5, "hours")]),
        ("The catalogue is audited every release and the audit record is kept for at least 3 years.",
         [("cadence", ">=", 1.0, "per release"), ("duration", ">=", 1095.0, "days")]),
        ("A tabletop exercise was held within the last 6 months.", [("age", "<=", 182.5, "days")]),
        ("Vendors are re-scored every 18 months.", [("cadence", ">=", 0.67, "per year")]),
        ("The team runs at least twenty-five chaos drills.", [("count", ">=", 25.0, "")]),
        ("Service levels are met in at least 10 of the last 12 months.", [("ratio", ">=", 0.83, "")]),
        ("Mean error stays below 3 percent of all requests.", [("percent", "<", 3.0, "%")]),
        ("Snapshots are less than 2 days old.", [("age", "<", 2.0, "days")]),
        ("Keys are held in a vault and owners are named.", []),
        ("Coverage is ≥ 90 % of endpoints and the scan runs twice annually.",
         [("percent", ">=", 90.0, "%"), ("cadence", ">=", 2.0, "per year")]),
        ("Findings are closed no later than 45 days after discovery.", [("duration", "<=", 45.0, "days")]),
        ("Error budget use stays ≤ 2% per quarter.", [("percent", "<=", 2.0, "%")]),
    ],
)
def test_parser_reads_generic_measures(text, expected):
    assert _keys(text) == sorted(expected)


def test_windows_and_populations_attach_to_the_percentage():
    crit = parse_objective("X", "At least 85% of contractors have completed the course within the last 12 months.")
    m = [k.measure for k in crit if k.measure]
    assert len(m) == 1
    assert m[0].population == "contractors"
    assert "12 months" in m[0].window


def test_compound_objective_splits_into_separate_criteria():
    crit = parse_objective(
        "X",
        "A named owner keeps the register; the register is reviewed at least quarterly, "
        "and 100% of new suppliers are screened before onboarding.",
    )
    assert 2 <= len(crit) <= 4
    measured = [k for k in crit if k.measure]
    assert [k.measure.kind for k in measured] == ["cadence", "percent"]
    assert "quarterly" in measured[0].text and "suppliers" in measured[1].text
    assert measured[0].text != measured[1].text
    assert "suppliers" in measured[1].distinguishing_terms


def test_never_more_than_four_criteria_and_bracketed_definitions_go_first():
    text = ("At least 95% of tokens are short-lived (valid for 1 hour or less), rotated at least every 30 days, "
            "revoked within 4 hours of a leak and disabled within 24 hours of retirement.")
    crit = parse_objective("X", text)
    assert len(crit) == 4
    assert ("duration", "<=", 1.0, "hours") not in measure_keys(crit)


def test_cache_follows_the_objective_text():
    a = parse_criteria(_control("Access lists are reviewed at least quarterly by the data owner team."))
    b = parse_criteria(_control("Access lists are reviewed at least monthly by the data owner team."))
    assert a[0].measure.value == 4 and b[0].measure.value == 12


def test_authored_criteria_on_a_control_win(tmp_path):
    c = _control("Access lists are reviewed at least quarterly by the data owner team.")
    c2 = c.model_copy(update={"criteria": [AuthoredCriterion.model_validate(
        {"text": "Reviewed every month", "measure": {"kind": "cadence", "comparator": ">=", "value": 1,
                                                     "unit": "months"}})]})
    crits = criteria_for(c2)
    assert crits[0].authored and crits[0].measure.value == 12.0 and crits[0].measure.unit == "per year"


def _write_with_criteria(root: Path, payload: object) -> Path:
    d = write_corpus(root)
    (d / "criteria.yaml").write_text(yaml.safe_dump(payload), encoding="utf-8")
    return d


BAD = {
    "unknown kind": ({"GOV-02.1": [{"text": "x y z", "measure": {"kind": "speed", "comparator": ">=", "value": 1}}]},
                     "measure kind 'speed'"),
    "unknown comparator": (
        {"GOV-02.1": [{"text": "x y z", "measure": {"kind": "percent", "comparator": "=>", "value": 1}}]},
        "comparator '=>'"),
    "non-numeric value": (
        {"GOV-02.1": [{"text": "x y z", "measure": {"kind": "percent", "comparator": ">=", "value": "most"}}]},
        "GOV-02.1 criterion 1"),
    "percent over 100": (
        {"GOV-02.1": [{"text": "x y z", "measure": {"kind": "percent", "comparator": ">=", "value": 120}}]},
        "value 0-100"),
    "duration without unit": (
        {"GOV-02.1": [{"text": "x y z", "measure": {"kind": "duration", "comparator": "<=", "value": 3}}]},
        "needs a time unit"),
    "five criteria": ({"GOV-02.1": [{"text": f"criterion {i}"} for i in range(5)]}, "1-4 criteria"),
    "unknown control": ({"GOV-02.9": [{"text": "x y z"}]}, "GOV-02.9: no such control"),
    "not a mapping": (["GOV-02.1"], "expected a mapping"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_authored_criteria_fail_naming_file_and_entry(tmp_path, name):
    payload, reason = BAD[name]
    d = _write_with_criteria(tmp_path / "c", payload)
    corpus = load_corpus_dir(d)  # lookups never read criteria.yaml, so they keep working
    assert corpus.control("GOV-02.1") is not None
    with pytest.raises(CorpusError) as exc:
        load_authored_criteria(corpus, d)
    assert "criteria.yaml" in str(exc.value)
    assert reason in str(exc.value)
    with pytest.raises(CorpusError):
        criteria_for(corpus.control("GOV-02.1"))


def test_validate_cli_reports_criteria_counts(tmp_path):
    d = _write_with_criteria(tmp_path / "c", {"GOV-02.1": [{"text": "Reviewed every month", "measure": {
        "kind": "cadence", "comparator": ">=", "value": 12, "unit": "per year"}}]})
    result = CliRunner().invoke(app, ["corpus", "validate", str(d), "--json"])
    assert result.exit_code == 0, result.output
    import json

    crit = json.loads(result.output)["criteria"]
    assert crit["authored"] == 1 and crit["parsed"] == 47
    assert crit["per_control"]["GOV-02.1"] == {"source": "authored", "criteria": 1, "measures": 1}
    assert crit["with_measure"] == 48  # every synthetic objective says "every quarter"
    assert crit["parser_agreement"]["disagree"] == ["GOV-02.1"]


def test_validate_cli_rejects_bad_criteria_with_one_line(tmp_path):
    d = _write_with_criteria(tmp_path / "c", {"GOV-02.1": [{"text": "x y z", "measure": {
        "kind": "percent", "comparator": "about", "value": 90}}]})
    result = CliRunner().invoke(app, ["corpus", "validate", str(d)])
    assert result.exit_code != 0
    assert "error:" in result.output and "comparator 'about'" in result.output
    assert "Traceback" not in result.output


def test_hash_unchanged_by_criteria(tmp_path):
    plain = load_corpus_dir(write_corpus(tmp_path / "a"))
    d = _write_with_criteria(tmp_path / "b", {"GOV-02.1": [{"text": "Reviewed every month", "measure": {
        "kind": "cadence", "comparator": ">=", "value": 12, "unit": "per year"}}]})
    assert load_corpus_dir(d).content_hash == plain.content_hash


def test_a_corpus_from_the_disk_cache_keeps_its_authored_criteria(aismm_home):
    """A later process reads the corpus from the pickle cache; authored overrides must still apply there."""
    import os
    import subprocess
    import sys

    code = ("from aismm_assistant.corpus import load_corpus\n"
            "from aismm_assistant.criteria import criteria_for\n"
            "print(sorted(c.id for c in load_corpus().controls if any(x.authored for x in criteria_for(c))))")
    env = {**os.environ, "AISMM_HOME": str(aismm_home)}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]  # the first parses the YAML and writes the cache, the second unpickles it
    assert runs[0].strip() not in ("", "[]") and runs[1] == runs[0]
