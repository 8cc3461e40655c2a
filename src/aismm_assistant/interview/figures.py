"""Figures in an answer — '93 %', '14 of 15', 'nine days', 'twice a year', '18 months ago' — and
their comparison with an objective's measures (``aismm_assistant.criteria``).

A figure carries the bound its wording states: "over 90 %" is (90, 100], "nearly 95 %" is below
95, "about 90 %" is 90 flagged approximate and compared as stated. Comparison is interval logic:
the figure meets the measure when every value it allows does, falls short when none does, and is
not comparable otherwise or when the kinds differ (a percentage is never compared with a duration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from aismm_assistant.criteria import Criterion, Measure, content_terms
from aismm_assistant.quantities import (
    COMPARATOR_WORDS,
    DURATION_UNIT,
    GATE_AGO,
    GATE_EVERY,
    GATE_OF,
    GATE_PERCENT,
    GATE_TIMES,
    GATE_UNIT,
    NUMBER,
    PER_YEAR,
    PERIOD_PER_YEAR,
    TIMES,
    describe,
    digits_text,
    fmt_number,
    gated,
    normalise_duration,
    original_span,
    parse_number,
    per_year_from_interval,
    to_days,
    unit_key,
)

FIGURE_KINDS = ("percent", "ratio", "count", "duration", "cadence", "age")


@dataclass(frozen=True)
class Figure:
    """One figure read from a sentence; value normalised like a Measure's (ratio: a fraction 0..1).

    comparator is the bound the wording states ('==' exact, '>' for "over", '<' for "nearly"...);
    noun is what a ratio or count counts ('quarters', 'rules').
    """

    kind: str
    value: float
    unit: str = ""
    comparator: str = "=="
    approx: bool = False
    noun: str = ""
    text: str = ""
    start: int = 0
    end: int = 0
    low: float | None = None  # "80-85 %": the range's lower end (value is the upper)

    def describe(self) -> str:
        if self.kind == "ratio":
            body = f"{fmt_number(round(self.value * 100, 1))} %"
        else:
            body = describe(self.kind, self.value, self.unit)
        if self.low is not None and self.kind == "percent":
            body = f"{fmt_number(self.low)}-{body}"
        if self.kind == "age":
            body += " ago"
        qual = {"==": "", ">": "over ", ">=": "at least ", "<": "under ", "<=": "at most "}[self.comparator]
        return f"{'about ' if self.approx and not qual else ''}{qual}{body}"


@dataclass(frozen=True)
class Comparison:
    outcome: str  # 'meets' | 'falls_short' | 'not_comparable'
    explanation: str
    figure: Figure | None = None
    measure: Measure | None = None


# ------------------------------------------------------------------ wording of bounds

_APPROX = r"about|around|roughly|approximately|approx\.?|some|circa|~|close\s+to|more\s+or\s+less|give\s+or\s+take"
_QUAL = (
    rf"(?P<qual>(?:{_APPROX})|just\s+(?:over|under|below|above|short\s+of)|nearly|almost|not\s+quite|a\s+bit\s+(?:over|under)"
    r"|slightly\s+(?:over|under|below|above)|well\s+(?:over|under|below|above)|over|more\s+than|above|greater\s+than"
    r"|upwards\s+of|in\s+excess\s+of|under|below|less\s+than|fewer\s+than|at\s+least|at\s+most|no\s+more\s+than"
    r"|up\s+to|within|inside|no\s+later\s+than|at\s+or\s+above|at\s+or\s+below)\s+|(?P<sym>[≥≤<>]=?|=[<>])\s*"
)
_APPROX_RE = re.compile(rf"^(?:{_APPROX})$")


_SYMBOLS = {"≥": ">=", ">=": ">=", "=>": ">=", "≤": "<=", "<=": "<=", "=<": "<=", ">": ">", "<": "<"}


def _bound(qual: str | None) -> tuple[str, bool]:
    if qual and qual.strip() in _SYMBOLS:
        return _SYMBOLS[qual.strip()], False
    if not qual:
        return "==", False
    q = re.sub(r"\s+", " ", qual.strip().lower())
    if _APPROX_RE.match(q):
        return "==", True
    approx = q.startswith(("just", "nearly", "almost", "not quite", "a bit", "slightly"))
    if q in ("at least", "at or above"):
        return ">=", False
    if q in ("at most", "no more than", "up to", "within", "inside", "no later than", "at or below"):
        return "<=", False
    if re.search(r"under|below|less|fewer|nearly|almost|not quite|short of", q):
        return "<", approx
    return ">", approx


# ------------------------------------------------------------------ patterns (lower-cased sentence)

_SOME = r"a\s+couple(?:\s+of)?|a\s+few|a\s+dozen|several"
_NUM = rf"(?:{NUMBER}|{_SOME}|an?)"
_PERIOD_ADJ = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter", "annual": "year",
               "yearly": "year", "annually": "year"}
_PERIOD_NOUN = r"(?:days?|weeks?|months?|quarters?|years?)"

_MISSED_RE = re.compile(
    rf"\b(?:missed|skipped|lost)\s+(?P<n>{_NUM})\s+(?:of\s+(?:the\s+|our\s+)?(?:(?P<of>{NUMBER})\s+)?)?"
    rf"(?P<adj>daily|weekly|monthly|quarterly|annual|yearly)?\s*(?P<noun>{_PERIOD_NOUN}|[a-z-]+s)?\b"
)
_RATIO_RE = re.compile(
    rf"(?:\b|(?=[~≥≤<>=]))(?:{_QUAL})?(?P<a>{NUMBER})\s+(?P<sep>of|in|out\s+of)\s+(?:the\s+|our\s+|every\s+|their\s+)?"
    rf"(?:last\s+|past\s+|previous\s+)?(?P<b>{NUMBER})\b(?:\s+(?P<adj>daily|weekly|monthly|quarterly|annual|yearly))?"
    r"(?:\s+(?P<noun>[a-z][\w-]*))?"
)
_MISSED_IN_RE = re.compile(
    rf"\b(?:missed|skipped|dropped|did\s+not\s+(?:run|hold|do)|didn't\s+(?:run|hold|do))\s+(?:[a-z'-]+\s+){{0,3}}?"
    rf"(?:in|for)\s+(?P<n>{_NUM})\s+(?:of\s+(?:the\s+)?(?:(?P<of>{NUMBER})\s+)?)?(?P<noun>{_PERIOD_NOUN})\b"
)
_EXCEPT_RE = re.compile(
    rf"\b(?:every|each)\s+(?P<period>quarter|month|week|year)\s+(?:but|except(?:\s+for)?)\s+(?P<n>{_NUM})\b"
)
_ALL_BUT_RE = re.compile(
    rf"(?:\b|(?=[~≥≤<>=]))(?:{_QUAL})?all\s+but\s+(?P<a>{NUMBER})\s+(?:of|out\s+of)\s+(?:the\s+|our\s+)?(?P<b>{NUMBER})\b"
    r"(?:\s+(?P<noun>[a-z][\w-]*))?"
)
_FRACTIONS = {"half": 0.5, "a half": 0.5, "one half": 0.5, "a third": 1 / 3, "one third": 1 / 3,
              "two thirds": 2 / 3, "two-thirds": 2 / 3, "a quarter": 0.25, "one quarter": 0.25,
              "three quarters": 0.75, "three-quarters": 0.75, "a fifth": 0.2, "one fifth": 0.2,
              "four fifths": 0.8, "four-fifths": 0.8, "a tenth": 0.1, "one tenth": 0.1, "nine tenths": 0.9}
_FRACTIONS = {digits_text(k)[0]: v for k, v in _FRACTIONS.items()}  # patterns see "2 thirds"
_FRACTION_RE = re.compile(
    rf"(?:\b|(?=[~≥≤<>=]))(?:{_QUAL})?(?P<f>{'|'.join(sorted(_FRACTIONS, key=len, reverse=True))})\s+(?:of|the)\b"
)
_TIMES_RE = re.compile(
    rf"(?:\b|(?=[~≥≤<>=]))(?:{_QUAL})?(?:(?P<times>once|twice|thrice)|(?P<n>{NUMBER}|{_SOME})\s+times)\s+"
    r"(?:(?:a|an|per|each|every)\s+(?P<period>year|quarter|month|week|day|fortnight)"
    r"|(?P<adv>annually|yearly|quarterly|monthly|weekly|daily))\b"
)
_EVERY_RE = re.compile(
    rf"(?:\b|(?=[~≥≤<>=]))(?:{_QUAL})?(?:once\s+)?(?:every|each)\s+(?:(?P<n>{_NUM})\s+)?(?P<unit>{DURATION_UNIT}|fortnight|other\s+(?:week|month|year))\b"
)
_RELEASE_RE = re.compile(r"\b(?:every|each)\s+(?:[a-z-]+\s+)?release\b")
_ADVERB_RE = re.compile(r"\b(?P<adv>" + "|".join(sorted(PER_YEAR, key=len, reverse=True)) + r")\b")
_PERCENT_RE = re.compile(
    rf"(?:\b|(?=[~≥≤<>=]))(?:{_QUAL})?(?:(?P<lo>\d+(?:\.\d+)?)\s*%?\s*(?:-|–|to)\s*|(?P<lo2>{NUMBER})\s+(?:per\s?cent\s+|percent\s+)?to\s+)?"
    rf"(?P<n>{NUMBER})\s*(?:%|per\s?cent\b|percent\b)"
)
_AGE_RE = re.compile(
    rf"(?:\b|(?=[~≥≤<>=]))(?:{_QUAL})?(?P<n>{_NUM})\s+(?P<unit>{DURATION_UNIT})\s+(?P<tail>ago|old|back)\b"
)
_NOT_SINCE_RE = re.compile(
    rf"(?:\b(?:not|never|nobody|no\s+one)\b|n't\b)[^.;]{{0,40}}?\b(?:in|for)\s+(?:{_QUAL})?(?P<n>{_NUM})\s+(?P<unit>{DURATION_UNIT})\b"
)
_DURATION_RE = re.compile(
    rf"(?:\b|(?=[~≥≤<>=]))(?:{_QUAL})?(?P<n>{_NUM})(?:\s*(?:-|to|or)\s*(?P<n2>{NUMBER}))?[\s-]+(?P<unit>{DURATION_UNIT})\b"
    rf"(?:\s+or\s+(?P<n3>{NUMBER}|so)\b)?"
)
_SAME_DAY_RE = re.compile(r"\b(?:the\s+)?same\s+(?:business\s+|working\s+)?day\b")
_COUNT_RE = re.compile(
    rf"(?:\b|(?=[~≥≤<>=]))(?:{_QUAL})?(?<![\w.-])(?P<n>{NUMBER}|{_SOME})\s+(?P<noun>(?:[a-z][\w-]*\s+){{0,2}}?[a-z][\w-]*s)\b"
)
_COUNT_NOUN_STOP = re.compile(rf"^(?:{DURATION_UNIT}|times|percent|per|of|in|out|or|and|to|years|is|was)$")


def _num(text: str | None) -> tuple[float | None, bool]:
    """A number and whether its wording is approximate ('a couple', 'a few', 'several')."""
    if not text:
        return None, False
    t = re.sub(r"\s+", " ", text.strip().lower())
    if t in ("a", "an"):
        return 1.0, False
    if t.startswith(("a couple", "a few", "several")):
        return parse_number(t.split()[1] if t.startswith("a ") else t), True
    if t == "a dozen":
        return 12.0, False
    return parse_number(t), False


def find_figures(sentence: str) -> list[Figure]:
    """Every figure in a sentence, in text order; overlapping readings resolved by family precedence."""
    low, ix = digits_text(sentence)
    figs: list[Figure] = []
    spans: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in spans)

    def add(m: re.Match, kind: str, value: float, unit: str = "", comparator: str = "==", approx: bool = False,
            noun: str = "") -> None:
        a, b = original_span(ix, m.start(), m.end())
        figs.append(Figure(kind, round(value, 6), unit, comparator, approx, noun, sentence[a:b].strip(), a, b))
        spans.append((m.start(), m.end()))

    for m in _MISSED_RE.finditer(low):
        n, approx = _num(m["n"])
        period = _PERIOD_ADJ.get(m["adj"] or "") or unit_key(m["noun"] or "")
        if n is None or period not in PERIOD_PER_YEAR or not free(m.start(), m.end()):
            continue
        per_year = PERIOD_PER_YEAR[period]
        of, _ = _num(m["of"])
        total = of if of else per_year
        add(m, "cadence", max(total - n, 0) * per_year / total, "per year", approx=approx, noun=f"{period}s")
    for m in _MISSED_IN_RE.finditer(low):  # "missed the review in two quarters"
        n, approx = _num(m["n"])
        period = unit_key(m["noun"])
        if n is None or period not in PERIOD_PER_YEAR or not free(m.start(), m.end()):
            continue
        per_year = PERIOD_PER_YEAR[period]
        of, _ = _num(m["of"])
        total = of if of else per_year
        add(m, "cadence", max(total - n, 0) * per_year / total, "per year", approx=approx, noun=f"{period}s")
    for m in gated(_EXCEPT_RE, GATE_EVERY, low):  # "every quarter except one"
        n, approx = _num(m["n"])
        if n is None or not free(m.start(), m.end()):
            continue
        per_year = PERIOD_PER_YEAR[m["period"]]
        add(m, "cadence", max(per_year - n, 0), "per year", approx=approx, noun=f"{m['period']}s")
    for m in gated(_ALL_BUT_RE, GATE_OF, low):
        a, b = parse_number(m["a"]), parse_number(m["b"])
        if a is None or not b or a > b or not free(m.start(), m.end()):
            continue
        comp, approx = _bound(m["qual"] or m.groupdict().get("sym"))
        add(m, "ratio", (b - a) / b, comparator=comp, approx=approx, noun=m["noun"] or "")
    for m in gated(_RATIO_RE, GATE_OF, low):
        a, b = parse_number(m["a"]), parse_number(m["b"])
        if a is None or not b or a > b or not free(m.start(), m.end()):
            continue
        if m["sep"] == "in" and re.match(r"\d", m["b"]) and b > 100:  # "in 2024"
            continue
        comp, approx = _bound(m["qual"] or m.groupdict().get("sym"))
        adj = m["adj"]
        noun = m["noun"] or ""
        if adj and _PERIOD_ADJ[adj] in PERIOD_PER_YEAR:  # "three of the four quarterly reviews"
            period = _PERIOD_ADJ[adj]
            add(m, "cadence", a * PERIOD_PER_YEAR[period] / b, "per year", comp, approx, noun=f"{period}s")
            continue
        add(m, "ratio", a / b, comparator=comp, approx=approx, noun=noun)
    for m in _FRACTION_RE.finditer(low):
        if free(m.start(), m.end()):
            comp, approx = _bound(m["qual"] or m.groupdict().get("sym"))
            add(m, "ratio", _FRACTIONS[m["f"]], comparator=comp, approx=approx)
    for m in gated(_TIMES_RE, GATE_TIMES, low):
        n, some = (float(TIMES[m["times"]]), False) if m["times"] else _num(m["n"])
        if n is None or not free(m.start(), m.end()):
            continue
        comp, approx = _bound(m["qual"] or m.groupdict().get("sym"))
        per = PERIOD_PER_YEAR[m["period"]] if m["period"] else PER_YEAR[m["adv"]]
        add(m, "cadence", n * per, "per year", comp, approx or some)
    for m in gated(_EVERY_RE, GATE_EVERY, low):
        unit = m["unit"]
        n, approx = _num(m["n"]) if m["n"] else (1.0, False)
        if unit.startswith("other"):
            n, unit = 2.0, unit.split()[-1]
        if unit == "fortnight":
            n, unit = 2 * (n or 1), "week"
        if n is None or not n or not free(m.start(), m.end()):
            continue
        comp, approx2 = _bound(m["qual"] or m.groupdict().get("sym"))
        comp = {"<": "==", "<=": "=="}.get(comp, comp)  # "within every week" is still weekly
        add(m, "cadence", per_year_from_interval(n, unit), "per year", comp, approx or approx2)
    for m in gated(_RELEASE_RE, GATE_EVERY, low):
        if free(m.start(), m.end()):
            add(m, "cadence", 1.0, "per release")
    for m in _ADVERB_RE.finditer(low):
        if free(m.start(), m.end()):
            add(m, "cadence", float(PER_YEAR[m["adv"]]), "per year")
    for m in gated(_PERCENT_RE, GATE_PERCENT, low):
        n = parse_number(m["n"])
        if n is None or n > 100 or not free(m.start("n"), m.end()):
            continue
        comp, approx = _bound(m["qual"] or m.groupdict().get("sym"))
        lo = parse_number(m["lo"] or m["lo2"]) if (m["lo"] or m["lo2"]) else None
        if lo is not None and lo < n:
            a, b = original_span(ix, m.start(), m.end())
            figs.append(Figure("percent", n, "%", "==", approx, "", sentence[a:b].strip(), a, b, low=lo))
            spans.append((m.start(), m.end()))
            continue
        add(m, "percent", n, "%", comp, approx)
    for m in gated(_AGE_RE, GATE_AGO, low):
        n, approx = _num(m["n"])
        if n is None or not free(m.start(), m.end()):
            continue
        comp, approx2 = _bound(m["qual"] or m.groupdict().get("sym"))
        value, unit = normalise_duration(n, m["unit"])
        add(m, "age", value, unit, comp, approx or approx2)
    for m in gated(_NOT_SINCE_RE, GATE_UNIT, low):  # "not reviewed in 18 months" -> at least that long ago
        n, approx = _num(m["n"])
        if n is None or not free(m.start("n"), m.end()):
            continue
        value, unit = normalise_duration(n, m["unit"])
        a, b = original_span(ix, m.start("n"), m.end())
        figs.append(Figure("age", value, unit, ">=", approx, "", sentence[a:b], a, b))
        spans.append((m.start("n"), m.end()))
    for m in _SAME_DAY_RE.finditer(low):
        if free(m.start(), m.end()):
            add(m, "duration", 1.0, "days", "<=")
    for m in gated(_DURATION_RE, GATE_UNIT, low):
        n, approx = _num(m["n"])
        if m["n2"]:
            n2 = parse_number(m["n2"])
            n, approx = (n2, True) if n2 is not None else (None, approx)
        if m["n3"]:  # "a day or two", "a week or so"
            n3 = parse_number(m["n3"]) if m["n3"] != "so" else n
            n, approx = (n3, True) if n3 is not None else (n, approx)
        if n is None or not free(m.start(), m.end()):
            continue
        comp, approx2 = _bound(m["qual"] or m.groupdict().get("sym"))
        value, unit = normalise_duration(n, m["unit"])
        add(m, "duration", value, unit, comp, approx or approx2)
    for m in _COUNT_RE.finditer(low):
        n, some = _num(m["n"])
        noun = m["noun"]
        if n is None or not free(m.start("n"), m.end("n")) or _COUNT_NOUN_STOP.match(noun.split()[0]):
            continue
        if re.match(r"\d{4}$", m["n"]) and 1900 < n < 2100:  # a year, not a count
            continue
        comp, approx = _bound(m["qual"] or m.groupdict().get("sym"))
        add(m, "count", n, comparator=comp, approx=approx or some, noun=noun)
    figs.sort(key=lambda f: f.start)
    return figs


# ------------------------------------------------------------------ comparison

_EPS = 1e-9
_OPEN = 1e-4  # how far inside "over 90 %" or "under 95 %" the figure's range starts
_BIG = 1e12


def _interval(fig: Figure, lo_floor: float = 0.0, hi_cap: float = _BIG) -> tuple[float, float]:
    v = fig.value
    if fig.low is not None:
        return (fig.low, v)
    return {
        "==": (v, v),
        ">": (v + _OPEN, hi_cap),
        ">=": (v, hi_cap),
        "<": (lo_floor, v - _OPEN),
        "<=": (lo_floor, v),
    }[fig.comparator]


def _satisfies(x: float, comparator: str, t: float) -> bool:
    return {">=": x >= t - _EPS, "<=": x <= t + _EPS, ">": x > t + _EPS, "<": x < t - _EPS,
            "==": abs(x - t) <= _EPS}[comparator]


def _figure_value_for(fig: Figure, measure: Measure) -> tuple[float, float, float] | None:
    """(figure value, threshold, scale cap) in the measure's terms, or None if the kinds cannot meet."""
    mk, fk = measure.kind, fig.kind
    if mk == "percent" and fk in ("percent", "ratio"):
        return (fig.value * 100 if fk == "ratio" else fig.value), measure.value, 100.0
    if mk == "ratio" and fk in ("percent", "ratio"):
        return (fig.value / 100 if fk == "percent" else fig.value), measure.value, 1.0
    if mk in ("duration", "age") and fk == mk:
        return to_days(fig.value, fig.unit), to_days(measure.value, measure.unit), _BIG
    if mk == "count" and fk == "count":
        return fig.value, measure.value, _BIG
    if mk == "cadence" and fk == "cadence" and fig.unit == measure.unit:
        return fig.value, measure.value, _BIG
    if mk == "cadence" and fk == "ratio" and measure.unit == "per year" and unit_key(fig.noun) in PERIOD_PER_YEAR:
        return fig.value * PERIOD_PER_YEAR[unit_key(fig.noun)], measure.value, _BIG  # "3 of the last 4 quarters"
    return None


def compatible(fig: Figure, measure: Measure) -> bool:
    return _figure_value_for(fig, measure) is not None or (fig.kind == "age" and measure.kind == "cadence"
                                                           and measure.unit == "per year")


_OUTCOME_WORDS = {"meets": "meets", "falls_short": "falls short", "not_comparable": "not comparable"}


def compare(figure: Figure, measure: Measure) -> Comparison:
    """Compare a figure with a measure: '93 % attested; the objective needs ≥ 95 % → falls short'."""
    need = measure.describe() + (f" of {measure.population}" if measure.population and measure.kind == "percent"
                                 else "")
    stated = figure.describe() + (" (approximate, compared as stated)" if figure.approx else "")

    def result(outcome: str, note: str = "") -> Comparison:
        text = f"{stated} stated; the objective needs {need}{note} → {_OUTCOME_WORDS[outcome]}"
        return Comparison(outcome, text, figure, measure)

    if figure.kind == "age" and measure.kind == "cadence" and measure.unit == "per year":
        interval_days = 365 / measure.value if measure.value else _BIG
        lo, _hi = _interval(figure)
        if to_days(lo, figure.unit) > interval_days * 1.03 + _EPS:
            return result("falls_short", " (last occurrence older than the interval)")
        return result("not_comparable", " (one recent occurrence does not show the cadence)")
    mapped = _figure_value_for(figure, measure)
    if mapped is None:
        return Comparison("not_comparable", f"{stated} is a {figure.kind}; the objective needs {need} "
                          f"(a {measure.kind}) → not comparable", figure, measure)
    value, threshold, cap = mapped
    low = None
    if figure.low is not None:
        low = figure.low / 100 if measure.kind == "ratio" else figure.low
    scaled = Figure(figure.kind, value, figure.unit, figure.comparator, low=low)
    lo, hi = _interval(scaled, 0.0, cap)
    if measure.kind == "cadence":  # "quarterly" meets "every 90 days": allow 3 % for calendar rounding
        threshold = threshold * (0.97 if measure.comparator in (">=", ">") else 1.03)
    ok_lo, ok_hi = _satisfies(lo, measure.comparator, threshold), _satisfies(hi, measure.comparator, threshold)
    if ok_lo and ok_hi:
        return result("meets")
    if not ok_lo and not ok_hi and not _straddles(lo, hi, measure.comparator, threshold):
        return result("falls_short")
    return result("not_comparable", " (the figure's range spans the threshold)")


def _straddles(lo: float, hi: float, comparator: str, t: float) -> bool:
    return comparator == "==" and lo <= t <= hi


def _overlap(a: str, b: str) -> int:
    return len(set(content_terms(a)) & set(content_terms(b)))


def match_measure(figure: Figure, measures: list[Measure], context: str = "") -> Measure | None:
    """The measure a figure speaks to: a compatible kind and unit, then the most shared words."""
    pool = [m for m in measures if compatible(figure, m)]
    if not pool:
        return None
    exact = [m for m in pool if m.kind == figure.kind or (figure.kind == "ratio" and m.kind == "percent")]
    pool = exact or pool
    return max(pool, key=lambda m: (_overlap(context, f"{m.population} {m.text} {m.window}"), -pool.index(m)))


def match_criterion(figure: Figure, criteria: list[Criterion], context: str = "") -> Criterion | None:
    """Like match_measure, scoring shared words against each criterion's whole text."""
    pool = [c for c in criteria if c.measure and compatible(figure, c.measure)]
    exact = [c for c in pool if c.measure.kind == figure.kind  # type: ignore[union-attr]
             or (figure.kind == "ratio" and c.measure.kind == "percent")]  # type: ignore[union-attr]
    pool = exact or pool
    if not pool:
        return None
    return max(pool, key=lambda c: (_overlap(context, f"{c.text} {c.measure.population}"),  # type: ignore[union-attr]
                                    -pool.index(c)))


def compare_sentence(sentence: str, criteria: list[Criterion]) -> list[tuple[Figure, Criterion, Comparison]]:
    """Every figure in the sentence compared with the criterion whose measure it matches."""
    out = []
    for fig in find_figures(sentence):
        c = match_criterion(fig, criteria, sentence)
        if c is not None and c.measure is not None:
            out.append((fig, c, compare(fig, c.measure)))
    return out


__all__ = ["Comparison", "Figure", "compare", "compare_sentence", "compatible", "find_figures", "match_criterion", "match_measure",
           "COMPARATOR_WORDS"]


# ------------------------------------------------------------------ figures in status decisions (issue 11, item 3)

DECIDING_KINDS = ("percent", "ratio")  # figure kinds whose shortfall caps a sentence (measured on the tuning set)
FAR_SHORT = 0.0  # a share or count below this fraction of the objective's floor (or none at all) is not met
_RATE_WORDS = re.compile(r"\b(?:false[- ]positives?|error|failure|miss|drop[- ]?out|bypass|leak\w*|churn|defect)"
                         r"(?:\s+rates?)?\b|\brates?\b", re.I)


# "every one of the four apps" is all of them; "mapped to one of the two clusters" says which one: neither is a share
_NOT_A_SHARE = re.compile(r"(?:\b(?:every|each|any|not|none|no)\s+|\b(?:to|in|on|at|from|into|with|by|for|under)\s+)$",
                          re.I)


@lru_cache(maxsize=4096)
def figures_of(sentence: str) -> tuple[Figure, ...]:
    """find_figures without selections ('one of the two'), memoised: a sentence meets several objectives."""
    out = []
    for f in find_figures(sentence):
        if f.kind == "ratio" and re.match(r"(?:one|1)\b", sentence[f.start : f.end].strip(), re.I) \
                and _NOT_A_SHARE.search(sentence[max(0, f.start - 12) : f.start]):
            continue
        out.append(f)
    return tuple(out)


_CLAUSE_END = re.compile(r"[,;:()]|\s[-–—]\s|\b(?:but|and|while|whereas|although|though)\b", re.I)


def _clause(sentence: str, fig: Figure) -> str:
    """The clause holding the figure: what it counts is said next to it, not elsewhere in the sentence."""
    low = sentence.lower()
    start = max((m.end() for m in _CLAUSE_END.finditer(low, 0, fig.start)), default=0)
    m = _CLAUSE_END.search(low, fig.end)
    return sentence[start : m.start() if m else len(sentence)]


def _stems(text: str) -> set[str]:
    return {t[:5] for t in content_terms(text)}


def _relevant(fig: Figure, crit: Criterion, sentence: str) -> bool:
    """Is the figure the criterion's quantity? Its own clause must name what the criterion measures (a word of its
    population, its noun or its distinguishing terms): '3 of the 4 teams' next to an objective about teams, not a
    figure about something else in the same answer. A rate of failures is not the share a floor counts ('2 % false
    positives' against '≥ 95 % covered'), and a tiny share of a high floor is another metric."""
    m = crit.measure
    if m is None:
        return False
    clause = _clause(sentence, fig)
    if m.kind in ("percent", "ratio") and fig.kind in ("percent", "ratio") and m.comparator in (">=", ">"):
        value = fig.value * 100 if fig.kind == "ratio" else fig.value
        floor = m.value * 100 if m.kind == "ratio" else m.value
        if 0 < value < floor / 4:
            return False
        if _RATE_WORDS.search(clause) and not _RATE_WORDS.search(crit.text):
            return False
    if m.kind in ("duration", "cadence", "age") and fig.kind in ("duration", "cadence", "age"):
        subject = _stems(" ".join(crit.distinguishing_terms) + " " + m.population + " " + m.unit)
    else:
        subject = _stems(" ".join(crit.distinguishing_terms) + " " + m.population + " " + m.unit + " " + m.text)
    subject -= _stems("ai production every each all new current last past months days year")
    return bool(_stems(clause + " " + fig.noun) & subject)


def _far_short(fig: Figure, measure: Measure) -> bool:
    mapped = _figure_value_for(fig, measure)
    if mapped is None or measure.comparator not in (">=", ">") or measure.kind not in ("percent", "ratio", "count"):
        return False
    value, threshold, _cap = mapped
    return value <= 0 or (measure.kind != "count" and value < FAR_SHORT * threshold)


def decisive_comparison(comps: tuple[tuple[str, str, str, str], ...]) -> bool:
    """Did a share in the sentence measure one of the objective's criteria (met or fell short)?"""
    return any(outcome in ("meets", "falls_short") and kind in DECIDING_KINDS for _c, outcome, _x, kind in comps)


def figure_status(sentence: str, criteria: tuple[Criterion, ...] | list[Criterion], status: str, note: str,
                  *_: object) -> tuple[str, str, tuple[tuple[str, str, str], ...]]:
    """Let the sentence's figures speak against the objective's measures.

    A figure that falls short caps a sentence that would be met at partial (not_met when it is far short or
    none); a figure that meets keeps met and is named in the note. The note names both numbers:
    '93 % stated; the objective needs ≥ 95 % → partial'. Returns (status, note, comparisons), comparisons as
    (criterion id, outcome, explanation) for the per-criterion explanation of the proposal.
    """
    measured = [c for c in criteria if c.measure is not None]
    if not measured:
        return status, note, ()
    comps: list[tuple[Figure, Criterion, Comparison]] = []
    for fig in figures_of(sentence):
        crit = match_criterion(fig, measured, sentence)
        if crit is None or crit.measure is None or not _relevant(fig, crit, sentence):
            continue
        comps.append((fig, crit, compare(fig, crit.measure)))
    out = tuple((c.id, cmp.outcome, cmp.explanation, f.kind) for f, c, cmp in comps)
    # shares decide ('14 of 15' against '≥ 95 %'); a duration, cadence or age is named in the explanation and left
    # to the interval reading of signals.py (an answer names many periods: retention, reviews, response times)
    short = [(f, c, cmp) for f, c, cmp in comps if cmp.outcome == "falls_short" and f.kind in DECIDING_KINDS]
    if short and status in ("met", "partial"):
        far = [x for x in short if _far_short(x[0], x[1].measure)]  # type: ignore[arg-type]
        new = "not_met" if far and status == "met" else "partial"
        if status == "partial" and new == "partial" and note and "falls short" not in note:
            return status, note, out
        f, c, cmp = (far or short)[0]
        return new, cmp.explanation.rsplit(" → ", 1)[0] + f" → {new.replace('_', ' ')}", out
    meets = [cmp for f, _c, cmp in comps if cmp.outcome == "meets" and f.kind in DECIDING_KINDS]
    if meets and status == "met":
        return status, f"{note}; {meets[0].explanation.rsplit(' → ', 1)[0]} → met", out
    return status, note, out
