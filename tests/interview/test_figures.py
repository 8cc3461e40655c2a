"""Figures read from answers and compared with an objective's measures, one family at a time.

Sentences are written for these tests (generic programme talk), never taken from golden files.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aismm_assistant.criteria import Measure, parse_objective
from aismm_assistant.interview.figures import compare, compare_sentence, find_figures, match_measure
from aismm_assistant.quantities import parse_number


def one(sentence: str, kind: str | None = None):
    figs = [f for f in find_figures(sentence) if kind is None or f.kind == kind]
    assert len(figs) == 1, (sentence, figs)
    return figs[0]


PCT95 = Measure("percent", ">=", 95, "%", population="hosts")
PCT_MAX5 = Measure("percent", "<=", 5, "%")
DUR72H = Measure("duration", "<=", 72, "hours")
DUR30D = Measure("duration", "<=", 30, "days")
QUARTERLY = Measure("cadence", ">=", 4, "per year")
ANNUAL = Measure("cadence", ">=", 1, "per year")
PER_RELEASE = Measure("cadence", ">=", 1, "per release")
COUNT10 = Measure("count", ">=", 10, "rules")
AGE12M = Measure("age", "<=", 365, "days")
THREE_OF_FOUR = Measure("ratio", ">=", 0.75, "quarters")


# ------------------------------------------------------------------ percentages


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Patch coverage sits at 93% across the estate.", 93),
        ("We are at 93 percent on the laptops.", 93),
        ("Roughly ninety-three per cent of the fleet reports in.", 93),
        ("Coverage reached 97.5 % last month.", 97.5),
        ("It is a hundred percent for the servers.", 100),
    ],
)
def test_percentages_are_read(sentence, value):
    assert one(sentence, "percent").value == value


def test_percentage_on_both_sides_of_the_threshold():
    short = compare(one("93% of hosts are scanned."), PCT95)
    assert short.outcome == "falls_short"
    assert short.explanation == "93 % stated; the objective needs ≥ 95 % of hosts → falls short"
    assert compare(one("96% of hosts are scanned."), PCT95).outcome == "meets"
    assert compare(one("Exactly 95 percent are scanned."), PCT95).outcome == "meets"


def test_upper_limit_percentages():
    assert compare(one("Our false alarm share is 4%."), PCT_MAX5).outcome == "meets"
    assert compare(one("Our false alarm share is 7%."), PCT_MAX5).outcome == "falls_short"


def test_comparator_signs_in_answers():
    assert one("We are at ≥ 96% of hosts.").comparator == ">="
    assert compare(one("Coverage is >97% today."), PCT95).outcome == "meets"
    assert compare(one("Closure is ≤ 20 days."), DUR30D).outcome == "meets"
    assert one("We test it twice annually.", "cadence").value == 2


def test_stated_bounds_are_respected():
    assert compare(one("Just under 95% of hosts are scanned."), PCT95).outcome == "falls_short"
    assert compare(one("Well over 95% of hosts are scanned."), PCT95).outcome == "meets"
    vague = compare(one("Under 99% of hosts are scanned."), PCT95)
    assert vague.outcome == "not_comparable"


def test_approximation_is_compared_as_stated_and_flagged():
    fig = one("About 94% of hosts are scanned.")
    assert fig.approx and fig.value == 94
    result = compare(fig, PCT95)
    assert result.outcome == "falls_short"
    assert "approximate, compared as stated" in result.explanation
    assert compare(one("Roughly 96 percent are scanned."), PCT95).outcome == "meets"


# ------------------------------------------------------------------ ratios and fractions


@pytest.mark.parametrize(
    ("sentence", "fraction"),
    [
        ("14 of 15 business units have signed off.", 14 / 15),
        ("Nine in ten managers completed it.", 0.9),
        ("Eighteen out of twenty pipelines run the check.", 0.9),
        ("Two thirds of the vendors answered the questionnaire.", 2 / 3),
        ("All but two of the 40 services are behind the gateway.", 38 / 40),
        ("Three quarters of the teams use the template.", 0.75),
    ],
)
def test_ratios_are_read(sentence, fraction):
    assert one(sentence, "ratio").value == pytest.approx(fraction, abs=1e-4)


def test_ratio_compared_with_a_percentage():
    assert compare(one("14 of 15 business units have signed off."), PCT95).outcome == "falls_short"
    assert compare(one("All but one of the 40 services are covered."), PCT95).outcome == "meets"
    short = compare(one("Nine in ten managers completed it."), PCT95)
    assert short.explanation.startswith("90 % stated") and short.explanation.endswith("→ falls short")
    approx = compare(one("Roughly nine in ten managers completed it."), PCT95)
    assert approx.figure.approx and approx.outcome == "falls_short"


def test_ratio_of_periods_against_a_ratio_and_a_cadence():
    fig = one("Targets were hit in two of the last four quarters.")
    assert compare(fig, THREE_OF_FOUR).outcome == "falls_short"
    assert compare(fig, QUARTERLY).outcome == "falls_short"
    assert compare(one("Targets were hit in all but one of the 4 quarters."), THREE_OF_FOUR).outcome == "meets"


# ------------------------------------------------------------------ counts


def test_counts():
    fig = one("We run 12 detection rules today.")
    assert fig.kind == "count" and fig.value == 12 and "rules" in fig.noun
    assert compare(fig, COUNT10).outcome == "meets"
    assert compare(one("So far there are seven playbooks."), COUNT10).outcome == "falls_short"
    assert not [f for f in find_figures("The framework dates from 2021.") if f.kind == "count"]


# ------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    ("sentence", "days"),
    [
        ("Fixes land in nine days on average.", 9),
        ("It usually takes six weeks.", 42),
        ("We answer within 48 hours.", 2),
        ("A couple of days at most.", 2),
        ("Containment took 90 minutes.", 90 / 1440),
        ("Tickets are opened the same day.", 1),
    ],
)
def test_durations_are_read(sentence, days):
    fig = one(sentence, "duration")
    value_days = fig.value / 24 if fig.unit == "hours" else fig.value
    assert value_days == pytest.approx(days, rel=1e-3)


def test_duration_on_both_sides_of_the_limit():
    assert compare(one("Closure takes about 32 days."), DUR30D).outcome == "falls_short"
    assert compare(one("Closure takes 28 days."), DUR30D).outcome == "meets"
    assert compare(one("We answer within 48 hours."), DUR72H).outcome == "meets"
    over = compare(one("It took four days to rotate."), DUR72H)
    assert over.outcome == "falls_short"
    assert over.explanation == "4 days stated; the objective needs ≤ 72 hours → falls short"


def test_a_couple_of_days_is_approximate():
    fig = one("It takes a couple of days.")
    assert fig.approx and compare(fig, DUR72H).outcome == "meets"


# ------------------------------------------------------------------ cadences


@pytest.mark.parametrize(
    ("sentence", "per_year"),
    [
        ("The committee meets every quarter.", 4),
        ("Reviews happen quarterly.", 4),
        ("We test it twice a year.", 2),
        ("Reports go out monthly.", 12),
        ("The scan runs every two weeks.", 26),
        ("Once a year the board signs it off.", 1),
        ("We skipped two quarters last year.", 2),
        ("We held three of the four quarterly reviews.", 3),
    ],
)
def test_cadences_are_read(sentence, per_year):
    assert one(sentence, "cadence").value == pytest.approx(per_year, rel=0.03)


def test_cadence_on_both_sides():
    assert compare(one("We test it twice a year."), QUARTERLY).outcome == "falls_short"
    assert compare(one("Reports go out monthly."), QUARTERLY).outcome == "meets"
    missed = compare(one("We missed one quarter last year."), QUARTERLY)
    assert missed.outcome == "falls_short"
    assert "needs at least quarterly" in missed.explanation


def test_quarterly_meets_every_ninety_days():
    assert compare(one("Keys rotate quarterly."), Measure("cadence", ">=", 365 / 90, "per year")).outcome == "meets"


def test_every_release():
    fig = one("The bill of materials is rebuilt on every release.")
    assert compare(fig, PER_RELEASE).outcome == "meets"
    assert compare(fig, QUARTERLY).outcome == "not_comparable"


# ------------------------------------------------------------------ ages


def test_ages():
    old = one("The plan was last reviewed 18 months ago.")
    assert old.kind == "age" and old.value == pytest.approx(547.5)
    assert compare(old, AGE12M).outcome == "falls_short"
    assert compare(one("It was refreshed four months ago."), AGE12M).outcome == "meets"
    stale = compare(old, ANNUAL)
    assert stale.outcome == "falls_short" and "older than the interval" in stale.explanation
    assert compare(one("It was refreshed four months ago."), ANNUAL).outcome == "not_comparable"
    assert one("Nobody has touched it in two years.", "age").comparator == ">="


# ------------------------------------------------------------------ matching figures to measures


def test_percentage_is_never_compared_with_a_duration():
    result = compare(one("93% of hosts are scanned."), DUR30D)
    assert result.outcome == "not_comparable"
    assert match_measure(one("93% of hosts are scanned."), [DUR30D, QUARTERLY]) is None


def test_figures_find_the_right_measure_of_an_objective():
    crit = parse_objective(
        "X",
        "At least 95% of critical alerts are triaged within 30 minutes, and detection rules are reviewed "
        "at least quarterly.",
    )
    rows = compare_sentence("Around 91% of critical alerts get triaged in 25 minutes; rules are reviewed monthly.",
                            crit)
    outcomes = {fig.kind: cmp.outcome for fig, _c, cmp in rows}
    assert outcomes == {"percent": "falls_short", "duration": "meets", "cadence": "meets"}
    pct = next(cmp for fig, _c, cmp in rows if fig.kind == "percent")
    assert pct.explanation.startswith("about 91 %") and "≥ 95 %" in pct.explanation


def test_population_words_pick_between_two_percentages():
    crit = parse_objective(
        "X", "100% of servers are scanned, and at least 90% of laptops report to the console.")
    rows = compare_sentence("On laptops we are at 92 percent.", crit)
    assert len(rows) == 1 and rows[0][2].measure.value == 90 and rows[0][2].outcome == "meets"


# ------------------------------------------------------------------ properties

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spell(n: int) -> str:
    if n == 100:
        return "one hundred"
    if n < 20:
        return _ONES[n]
    return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])


@given(st.integers(0, 100))
def test_spelled_numbers_up_to_a_hundred(n):
    assert parse_number(spell(n)) == n
    assert parse_number(spell(n).replace("-", " ")) == n


@settings(max_examples=200)
@given(p=st.integers(0, 100), t=st.integers(0, 100), spelled=st.booleans())
def test_any_percentage_meets_iff_at_least_the_threshold(p, t, spelled):
    number = spell(p) + " percent" if spelled else f"{p}%"
    fig = one(f"Right now {number} of the hosts are patched.", "percent")
    outcome = compare(fig, Measure("percent", ">=", t, "%")).outcome
    assert outcome == ("meets" if p >= t else "falls_short")


@settings(max_examples=200)
@given(d=st.integers(1, 90), limit=st.integers(1, 90))
def test_any_duration_meets_iff_within_the_limit(d, limit):
    fig = one(f"Remediation took {d} days.", "duration")
    outcome = compare(fig, Measure("duration", "<=", limit, "days")).outcome
    assert outcome == ("meets" if d <= limit else "falls_short")


@settings(max_examples=200)
@given(b=st.integers(1, 60), data=st.data(), t=st.integers(1, 100))
def test_any_ratio_meets_iff_its_share_reaches_the_threshold(b, data, t):
    a = data.draw(st.integers(0, b))
    fig = one(f"{a} of {b} teams have done it.", "ratio")
    outcome = compare(fig, Measure("percent", ">=", t, "%")).outcome
    assert outcome == ("meets" if a * 100 >= t * b - 1e-6 else "falls_short")


@pytest.mark.parametrize(
    ("sentence", "per_year"),
    [
        ("We missed the review in two quarters last year.", 2),
        ("The check ran every quarter except one.", 3),
        ("The sync ran every month except for two.", 10),
    ],
)
def test_missed_periods_lower_the_cadence(sentence, per_year):
    fig = one(sentence, "cadence")
    assert fig.value == pytest.approx(per_year)
    assert compare(fig, Measure("cadence", ">=", fig.value + 1, "per year")).outcome == "falls_short"


@settings(max_examples=300)
@given(st.text(max_size=200))
def test_any_text_gives_figures_that_quote_it(text):
    for fig in find_figures(text):
        assert 0 <= fig.start <= fig.end <= len(text)
        assert fig.text == text[fig.start:fig.end].strip()
        assert fig.kind in ("percent", "ratio", "count", "duration", "cadence", "age")
