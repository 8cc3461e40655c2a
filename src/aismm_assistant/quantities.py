"""Numbers, units and cadences shared by the criteria parser and the figure reader.

Everything here is plain data and precompiled regexes: objectives and answers both say
"nine in ten", "48 hours" or "twice a year", and both sides must normalise them the same way.
Durations and ages normalise to hours (below a day) or days; cadences to events per year;
percentages to 0..100; ratios to a fraction 0..1.
"""

from __future__ import annotations

import re
from bisect import bisect_right

MEASURE_KINDS: tuple[str, ...] = ("percent", "count", "ratio", "duration", "cadence", "age")
COMPARATORS: tuple[str, ...] = (">=", "<=", ">", "<", "==")
COMPARATOR_WORDS: dict[str, str] = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}

_UNITS_WORDS = {
    "zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_FEW_WORDS = {"couple": 2, "few": 3, "several": 3, "dozen": 12, "half": 0.5}
_SMALL = "|".join(sorted((k for k in _UNITS_WORDS if k not in ("a", "an", "no", "single")), key=len, reverse=True))
_TENS = "|".join(_TENS_WORDS)
# "ninety-three", "twenty five", "one hundred", "a hundred", "hundred", "12", "12.5", "1,000"
NUMBER_WORD = (
    rf"(?:(?:one|a)\s+hundred(?:\s+(?:and\s+)?(?:(?:{_TENS})(?:[\s-](?:{_SMALL}))?|{_SMALL}))?"
    rf"|(?:{_TENS})(?:[\s-](?:{_SMALL}))?|{_SMALL}|hundred)"
)
_SPELLED_OR_DIGITS = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{NUMBER_WORD})"
# Patterns run on text whose spelled numbers are already digits (see digits_text), so NUMBER is digits only:
# one pass over the text instead of a large word alternation tried at every position of every pattern.
NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_NUMBER_RE = re.compile(rf"^{_SPELLED_OR_DIGITS}$", re.IGNORECASE)
_NUMBER_WORD_RE = re.compile(rf"\b{NUMBER_WORD}\b")


class Index:
    """Where the characters of digits_text's result came from: replaced spans map to their whole original."""

    __slots__ = ("starts", "spans")

    def __init__(self, spans: list[tuple[int, int, int, int]]) -> None:
        self.spans = spans  # (new_start, new_end, orig_start, orig_end), in order
        self.starts = [sp[0] for sp in spans]

    def _orig(self, pos: int, end: bool) -> int:
        i = bisect_right(self.starts, pos) - 1
        if i < 0:
            return pos
        ns, ne, os_, oe = self.spans[i]
        if pos < ne:
            return oe if end else os_
        return oe + (pos - ne)


def digits_text(text: str) -> tuple[str, Index]:
    """Lower-cased text with spelled numbers as digits ('ninety-three' -> '93'), and an Index mapping
    positions back to the original (so matches can quote the original wording)."""
    low = text.lower()
    if not _NUMBER_WORD_RE.search(low):
        return low, Index([])
    out: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    pos = new_len = 0
    for m in _NUMBER_WORD_RE.finditer(low):
        value = parse_number(m.group(0))
        if value is None:
            continue
        out.append(low[pos:m.start()])
        new_len += m.start() - pos
        digits = fmt_number(value)
        out.append(digits)
        spans.append((new_len, new_len + len(digits), m.start(), m.end()))
        new_len += len(digits)
        pos = m.end()
    out.append(low[pos:])
    return "".join(out), Index(spans)


def original_span(index: Index, start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of digits_text's result back to the original text."""
    if end <= start:
        o = index._orig(start, False)
        return o, o
    return index._orig(start, False), index._orig(end - 1, True) if _inside(index, end - 1) else index._orig(end, False)


def _inside(index: Index, pos: int) -> bool:
    i = bisect_right(index.starts, pos) - 1
    return i >= 0 and pos < index.spans[i][1]


def parse_number(text: str) -> float | None:
    """'93' -> 93.0, 'ninety-three' -> 93.0, 'one hundred' -> 100.0, 'a couple' -> 2.0; None if not a number."""
    t = text.strip().lower().replace(",", "")
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        pass
    t = re.sub(r"^(?:a|an)\s+(?=couple|few|dozen|hundred|half)", "", t)
    if t in _FEW_WORDS:
        return float(_FEW_WORDS[t])
    if t in _UNITS_WORDS:
        return float(_UNITS_WORDS[t])
    if not _NUMBER_RE.match(t):
        return None
    total = 0.0
    if "hundred" in t:
        head, _, t = t.partition("hundred")
        head = head.strip()
        total = 100.0 * (1 if head in ("", "one", "a") else _UNITS_WORDS.get(head, 1))
        t = t.strip().removeprefix("and").strip()
        if not t:
            return total
    parts = re.split(r"[\s-]+", t)
    for p in parts:
        if p in _TENS_WORDS:
            total += _TENS_WORDS[p]
        elif p in _UNITS_WORDS:
            total += _UNITS_WORDS[p]
        else:
            return None
    return total


# --------------------------------------------------------------------- durations

DAYS_PER_UNIT: dict[str, float] = {
    "minute": 1 / 1440, "hour": 1 / 24, "day": 1.0, "business day": 7 / 5, "working day": 7 / 5,
    "week": 7.0, "month": 365 / 12, "quarter": 365 / 4, "year": 365.0,
}
DURATION_UNIT = (
    r"(?:min(?:ute)?s?|hours?|hrs?|h|(?:business|working)\s+days?|days?|weeks?|months?|quarters?|years?)"
)


def unit_key(unit: str) -> str:
    """'Hours' -> 'hour', 'business days' -> 'business day', 'hrs' -> 'hour', 'mins' -> 'minute'."""
    u = re.sub(r"\s+", " ", unit.strip().lower())
    if u in ("h", "hr", "hrs"):
        return "hour"
    if u in ("min", "mins"):
        return "minute"
    return u[:-1] if u.endswith("s") and u[:-1] in DAYS_PER_UNIT else u


def normalise_duration(value: float, unit: str) -> tuple[float, str]:
    """A duration in (value, unit) -> hours when under a day, otherwise days."""
    days = value * DAYS_PER_UNIT[unit_key(unit)]
    if unit_key(unit) in ("minute", "hour"):
        return round(days * 24, 6), "hours"
    return round(days, 6), "days"


def to_days(value: float, unit: str) -> float:
    return value / 24 if unit == "hours" else value


# --------------------------------------------------------------------- cadences

PER_YEAR: dict[str, float] = {
    "hourly": 365 * 24, "daily": 365, "nightly": 365, "weekly": 52, "fortnightly": 26, "biweekly": 26,
    "monthly": 12, "bimonthly": 6, "quarterly": 4, "half-yearly": 2, "semi-annually": 2, "semiannually": 2,
    "biannually": 2, "annually": 1, "yearly": 1,
}
PERIOD_PER_YEAR: dict[str, float] = {
    "hour": 365 * 24, "day": 365, "week": 52, "fortnight": 26, "month": 12, "quarter": 4, "half-year": 2,
    "year": 1, "annum": 1,
}
TIMES: dict[str, float] = {"once": 1, "twice": 2, "thrice": 3}


def per_year_from_interval(value: float, unit: str) -> float:
    """'every 6 months' -> 2.0 a year; 'every 90 days' -> 4.06 a year."""
    days = value * DAYS_PER_UNIT[unit_key(unit)]
    return round(365 / days, 4) if days else 0.0


def fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def describe(kind: str, value: float, unit: str) -> str:
    """Human wording of a normalised quantity: '95 %', '12 months', 'quarterly', '14 of 15'."""
    if kind == "percent":
        return f"{fmt_number(value)} %"
    if kind in ("duration", "age"):
        if unit == "hours":
            minutes = round(value * 60, 3)
            if value < 1 or (float(minutes).is_integer() and minutes % 60):
                return f"{fmt_number(minutes)} minutes"
            return "1 hour" if value == 1 else f"{fmt_number(value)} hours"
        for name, days in (("years", 365.0), ("months", 365 / 12), ("weeks", 7.0)):
            n = value / days
            if n >= 1 and abs(n - round(n)) < 0.02:
                return f"{fmt_number(round(n))} {name}" if round(n) != 1 else f"1 {name[:-1]}"
        return "1 day" if value == 1 else f"{fmt_number(value)} days"
    if kind == "cadence":
        if unit == "per release":
            return "every release"
        named = {365.0: "daily", 52.0: "weekly", 12.0: "monthly", 4.0: "quarterly", 2.0: "twice a year",
                 1.0: "annually"}
        for v, name in named.items():
            if abs(value - v) / v < 0.03:
                return name
        return f"{fmt_number(value)} times a year"
    if kind == "ratio":
        return f"{fmt_number(value * 100)} %" if not unit else f"{fmt_number(value * 100)} % of {unit}"
    return f"{fmt_number(value)} {unit}".strip()


def quote(text: str, index: Index, start: int, end: int) -> str:
    """The original wording behind a [start, end) span of digits_text's result."""
    a, b = original_span(index, start, end)
    return text[a:b]


# Cheap gates: a pattern runs only when its trigger words occur in the sentence at all.
GATE_PERCENT = re.compile(r"%|per\s?cent")
GATE_UNIT = re.compile(rf"\b{DURATION_UNIT}\b")
GATE_TIMES = re.compile(r"\b(?:once|twice|thrice|times)\b")
GATE_EVERY = re.compile(r"\b(?:every|each)\b")
GATE_AGO = re.compile(r"\b(?:ago|old|back)\b")
GATE_OF = re.compile(r"\d\s+(?:of|in|out)\b")
GATE_PERIOD = re.compile(r"\b(?:per|a|each|every)\s+(?:year|quarter|month|week)\b")
GATE_WINDOW = re.compile(r"\b(?:last|past|previous|rolling)\b")
GATE_DIGIT = re.compile(r"\d")


def gated(pattern: re.Pattern[str], gate: re.Pattern[str] | None, text: str):  # noqa: ANN201 - iterator of matches
    return pattern.finditer(text) if gate is None or gate.search(text) else iter(())
