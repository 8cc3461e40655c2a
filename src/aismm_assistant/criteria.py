"""Checkable criteria derived from an objective's text: what must be true, and its measure.

An objective such as "At least 90% of staff have attested within the last 12 months, and the
policy is reviewed at least every 12 months" holds two criteria: a percentage (≥ 90 %, window
12 months, population staff) and a cadence (≥ 1 a year). The parser is generic — it reads
comparators, numbers and units from the clause structure, never per control — so an imported
workbook gets criteria too. Hand-written overrides (``Control.criteria``) win where present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aismm_assistant.quantities import (
    COMPARATOR_WORDS,
    DURATION_UNIT,
    GATE_AGO,
    GATE_DIGIT,
    GATE_EVERY,
    GATE_OF,
    GATE_PERCENT,
    GATE_PERIOD,
    GATE_TIMES,
    GATE_UNIT,
    GATE_WINDOW,
    NUMBER,
    PER_YEAR,
    PERIOD_PER_YEAR,
    TIMES,
    describe,
    digits_text,
    gated,
    normalise_duration,
    original_span,
    parse_number,
    per_year_from_interval,
    quote,
)

if TYPE_CHECKING:
    from aismm_assistant.model import Control

MAX_CRITERIA = 4


@dataclass(frozen=True)
class Measure:
    """kind: percent|count|ratio|duration|cadence|age; value normalised (see quantities.py)."""

    kind: str
    comparator: str
    value: float
    unit: str = ""
    window: str = ""
    population: str = ""
    text: str = ""

    def key(self) -> tuple[str, str, float, str]:
        """What the gold test compares; a count's or ratio's noun is free wording, so it is left out."""
        unit = "" if self.kind in ("count", "ratio") else self.unit
        return (self.kind, self.comparator, round(self.value, 2), unit)

    def describe(self) -> str:
        """'≥ 95 %', '≤ 24 hours', 'at least quarterly'."""
        body = describe(self.kind, self.value, self.unit)
        if self.kind == "cadence" and self.comparator in (">=", "<="):
            return f"{'at least' if self.comparator == '>=' else 'at most'} {body}"
        return f"{COMPARATOR_WORDS[self.comparator]} {body}"


@dataclass(frozen=True)
class Criterion:
    id: str
    text: str
    measure: Measure | None = None
    distinguishing_terms: tuple[str, ...] = field(default_factory=tuple)
    authored: bool = False


# ------------------------------------------------------------------ comparators

_PRE = (
    r"(?P<pre>at\s+least|no\s+(?:less|fewer)\s+than|not\s+(?:less|fewer)\s+than|a\s+minimum\s+of|minimum(?:\s+of)?"
    r"|(?:stays?|kept|remains?|is)\s+at\s+or\s+(?:above|below)|at\s+or\s+(?:above|below)"
    r"|(?:stays?|kept|remains?)\s+(?:below|under|above)|no\s+more\s+than|not\s+more\s+than|at\s+most|up\s+to"
    r"|a\s+maximum\s+of|maximum(?:\s+of)?|more\s+than|greater\s+than|fewer\s+than|less\s+than|exceeds?|over"
    r"|no\s+later\s+than|not\s+later\s+than|above|below|under|within|exactly)\s+|(?P<sym>[≥≤<>]=?|=[<>])\s*"
)
_START = r"(?:\b|(?=[≥≤<>=]))"  # a match starts at a word or at a comparator sign
_POST = r"(?:\s+(?P<post>or\s+(?:more|above|higher|greater|less|fewer|below|lower|under)))"


_SYMBOLS = {"≥": ">=", ">=": ">=", "=>": ">=", "≤": "<=", "<=": "<=", "=<": "<=", ">": ">", "<": "<"}


def comparator_of(pre: str | None, post: str | None, default: str) -> str:
    """Map comparator wording ('at least', 'no later than', '≥', 'or less') to >=, <=, >, <, ==."""
    if pre and pre.strip() in _SYMBOLS:
        return _SYMBOLS[pre.strip()]
    if post:
        return ">=" if re.search(r"more|above|higher|greater", post) else "<="
    if not pre:
        return default
    p = re.sub(r"\s+", " ", pre.lower().strip())
    if "at or above" in p or p in ("at least", "a minimum of", "minimum", "minimum of") or p.startswith("no less") \
            or p.startswith("not less") or p.startswith("no fewer") or p.startswith("not fewer"):
        return ">="
    if "at or below" in p or p in ("at most", "up to", "within", "a maximum of", "maximum", "maximum of") \
            or p.startswith(("no more", "not more", "no later", "not later")):
        return "<="
    if re.search(r"below|under|less than|fewer than", p):
        return "<"
    if re.search(r"above|more than|greater than|exceed|over", p):
        return ">"
    if p == "exactly":
        return "=="
    return default


# ------------------------------------------------------------------ measure patterns (on lower-cased text)

_N = rf"(?P<n>{NUMBER})"
_RATIO_RE = re.compile(
    rf"{_START}(?:{_PRE})?(?P<a>{NUMBER})\s+(?:of|in|out\s+of)\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+)?"
    rf"(?P<b>{NUMBER})\s+(?P<noun>[a-z][\w-]*)"
)
_TIMES_RE = re.compile(
    rf"\b(?:(?P<pre>at\s+least|no\s+less\s+than|at\s+most|no\s+more\s+than)\s+)?"
    rf"(?:(?P<times>once|twice|thrice)|(?P<n>{NUMBER})\s+times)\s+(?:(?:a|an|per|each|every)\s+"
    r"(?P<period>year|quarter|month|week|day|fortnight)|(?P<adv>annually|yearly|quarterly|monthly|weekly|daily))\b"
)
_COUNT_PER_RE = re.compile(
    rf"{_START}(?:{_PRE})(?P<n>{NUMBER})\s+(?:[a-z-]+\s+){{0,3}}?(?:per|a|each|every)\s+(?P<period>year|quarter|month|week)\b"
)
_EVERY_RE = re.compile(
    rf"\b(?:(?P<pre>at\s+least|no\s+less\s+than)\s+)?(?:once\s+)?(?:every|each)\s+(?:(?P<n>{NUMBER})\s+)?"
    rf"(?P<unit>{DURATION_UNIT}|fortnight)\b"
)
_RELEASE_RE = re.compile(r"(?:(?:on|before|at|with|for|after)\s+)?\b(?:every|each)\s+(?:[a-z-]+\s+){0,2}?release\b")
_ADVERB_RE = re.compile(
    r"(?:(?P<pre>at\s+least|no\s+less\s+than)\s+)?\b(?P<adv>" + "|".join(sorted(PER_YEAR, key=len, reverse=True)) + r")\b"
)
_PERCENT_RE = re.compile(
    rf"{_START}(?:{_PRE})?{_N}\s*(?:%|per\s?cent\b|percent\b){_POST}?"
    r"(?:\s+(?:of|in)\s+(?:the\s+|all\s+|each\s+of\s+)?(?P<pop>[a-z][\w/-]*(?:\s+(?!have\b|has\b|are\b|is\b|run\b|"
    r"route\b|authenticate\b|within\b|in\b|by\b|that\b|which\b|with\b|before\b|pass\b|stay\b|for\b|at\b)[a-z][\w/-]*){0,4}))?"
)
_WINDOW_RE = re.compile(
    rf"(?P<prep>within|in|over|during)\s+(?:the\s+)?(?:last|past|previous|(?P<rolling>a\s+rolling))\s+"
    rf"(?:(?P<n>{NUMBER})\s+)?(?P<unit>{DURATION_UNIT})\b"
)
_AGE_RE = re.compile(rf"{_START}(?:{_PRE})?(?P<n>{NUMBER}|an?)\s+(?P<unit>{DURATION_UNIT})\s+(?P<tail>old|ago)\b")
_DURATION_RE = re.compile(rf"{_START}(?:{_PRE})?(?P<n>{NUMBER}|an?)[\s-]+(?P<unit>{DURATION_UNIT}){_POST}?\b")
_SAME_DAY_RE = re.compile(r"(?:within\s+|on\s+)?the\s+same\s+(?:business\s+|working\s+)?day\b")
_COUNT_RE = re.compile(
    rf"(?:\(|\b)(?P<pre>at\s+least|a\s+minimum\s+of|minimum(?:\s+of)?|no\s+fewer\s+than|at\s+most|no\s+more\s+than"
    rf"|up\s+to|fewer\s+than|more\s+than)\s+(?P<n>{NUMBER})\b(?!\s*%|\s*per\s?cent)"
    r"(?:\s+(?P<noun>(?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*s)\b)?"
)
_ADJ_PERIOD = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter", "annually": "year",
               "yearly": "year"}


@dataclass
class _Hit:
    start: int
    end: int
    measure: Measure


def _taken(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(s < te and ts < e for ts, te in spans)


def _num(text: str) -> float | None:
    t = text.strip()
    return 1.0 if t in ("a", "an") else parse_number(t)


def find_measures(sentence: str) -> list[_Hit]:
    """Every measure in one sentence, in text order, with windows attached; spans never overlap."""
    low, ix = digits_text(sentence)
    hits: list[_Hit] = []
    spans: list[tuple[int, int]] = []

    def add(m: re.Match, measure: Measure) -> None:
        hits.append(_Hit(*original_span(ix, m.start(), m.end()), measure))
        spans.append((m.start(), m.end()))

    windows: list[tuple[int, int, str, float, bool]] = []  # start, end, text, days, 'within the last'
    for m in gated(_WINDOW_RE, GATE_WINDOW, low):
        n = _num(m["n"]) if m["n"] else 1.0
        if n is None:
            continue
        days, unit = normalise_duration(n, m["unit"])
        windows.append((*original_span(ix, m.start(), m.end()), quote(sentence, ix, m.start(), m.end()),
                        days if unit == "days" else days / 24,
                        m["prep"] == "within" and not m["rolling"]))
        spans.append((m.start(), m.end()))
    for m in gated(_RATIO_RE, GATE_OF, low):
        a, b = _num(m["a"]), _num(m["b"])
        if a is None or b is None or not 0 < b or a > b or _taken(spans, m.start(), m.end()):
            continue
        add(m, Measure("ratio", comparator_of(m["pre"] or m.groupdict().get("sym"), None, ">="), round(a / b, 4), m["noun"],
                       text=quote(sentence, ix, m.start(), m.end())))
    for m in gated(_TIMES_RE, GATE_TIMES, low):
        n = TIMES[m["times"]] if m["times"] else _num(m["n"])
        if n is None or _taken(spans, m.start(), m.end()):
            continue
        per = PERIOD_PER_YEAR[m["period"]] if m["period"] else PER_YEAR[m["adv"]]
        add(m, Measure("cadence", comparator_of(m["pre"] or m.groupdict().get("sym"), None, ">="), n * per, "per year",
                       text=quote(sentence, ix, m.start(), m.end())))
    for m in gated(_COUNT_PER_RE, GATE_PERIOD, low):
        n = _num(m["n"])
        if n is None or _taken(spans, m.start(), m.end()) or low[m.end("n"):m.end("n") + 2].strip().startswith("%"):
            continue
        add(m, Measure("cadence", comparator_of(m["pre"] or m.groupdict().get("sym"), None, ">="), n * PERIOD_PER_YEAR[m["period"]], "per year",
                       text=quote(sentence, ix, m.start(), m.end())))
    for m in gated(_EVERY_RE, GATE_EVERY, low):
        n = _num(m["n"]) if m["n"] else 1.0
        if n is None or _taken(spans, m.start(), m.end()):
            continue
        unit = "week" if m["unit"] == "fortnight" else m["unit"]
        n = n * 2 if m["unit"] == "fortnight" else n
        add(m, Measure("cadence", ">=", per_year_from_interval(n, unit), "per year", text=quote(sentence, ix, m.start(), m.end())))
    for m in gated(_RELEASE_RE, GATE_EVERY, low):
        if not _taken(spans, m.start(), m.end()):
            add(m, Measure("cadence", ">=", 1.0, "per release", text=quote(sentence, ix, m.start(), m.end())))
    for m in _ADVERB_RE.finditer(low):
        if _taken(spans, m.start(), m.end()):
            continue
        add(m, Measure("cadence", ">=", float(PER_YEAR[m["adv"]]), "per year", text=quote(sentence, ix, m.start(), m.end())))
    for m in gated(_PERCENT_RE, GATE_PERCENT, low):
        n = _num(m["n"])
        if n is None or n > 100 or _taken(spans, m.start("n"), m.end("n")):
            continue
        pop = _trim_population(quote(sentence, ix, m.start("pop"), m.end("pop")) if m["pop"] else "")
        add(m, Measure("percent", comparator_of(m["pre"] or m.groupdict().get("sym"), m["post"], ">="), n, "%", population=pop,
                       text=quote(sentence, ix, m.start(), m.end()).strip()))
    for m in gated(_AGE_RE, GATE_AGO, low):
        n = _num(m["n"])
        if n is None or _taken(spans, m.start(), m.end()):
            continue
        value, unit = normalise_duration(n, m["unit"])
        add(m, Measure("age", comparator_of(m["pre"] or m.groupdict().get("sym"), None, "<="), value, unit, text=quote(sentence, ix, m.start(), m.end())))
    for m in _SAME_DAY_RE.finditer(low):
        if not _taken(spans, m.start(), m.end()):
            add(m, Measure("duration", "<=", 1.0, "days", text=quote(sentence, ix, m.start(), m.end())))
    for m in gated(_DURATION_RE, GATE_UNIT, low):
        n = _num(m["n"])
        if n is None or _taken(spans, m.start(), m.end()):
            continue
        value, unit = normalise_duration(n, m["unit"])
        add(m, Measure("duration", comparator_of(m["pre"] or m.groupdict().get("sym"), m["post"], "<="), value, unit,
                       text=quote(sentence, ix, m.start(), m.end()).strip()))
    for m in gated(_COUNT_RE, GATE_DIGIT, low):
        n = _num(m["n"])
        if n is None or _taken(spans, m.start("n"), m.end("n")):
            continue
        add(m, Measure("count", comparator_of(m["pre"] or m.groupdict().get("sym"), None, ">="), n, (m["noun"] or "").strip(),
                       text=quote(sentence, ix, m.start(), m.end()).strip("( ")))
    ratio_nouns = {h.measure.unit.rstrip("s") for h in hits if h.measure.kind == "ratio"}
    hits = [h for h in hits if not (h.measure.kind == "cadence" and _ADJ_PERIOD.get(h.measure.text.lower().split()[-1])
                                     in ratio_nouns)]  # "quarterly targets met in 3 of the last 4 quarters"
    hits.sort(key=lambda h: h.start)
    for ws, _we, wtext, wdays, within_last in windows:
        targets = [h for h in hits if h.measure.kind in ("percent", "count", "ratio")]
        if targets:
            nearest = min(targets, key=lambda h: abs(h.start - ws))
            nearest.measure = _replace(nearest.measure, window=wtext)
        elif within_last:
            hits.append(_Hit(ws, _we, Measure("age", "<=", wdays, "days", window=wtext, text=wtext)))
    hits.sort(key=lambda h: h.start)
    return hits


_POP_STOP = frozenset("the a an who whose reach reaches receive receives produce load pin pins".split())


def _trim_population(pop: str) -> str:
    words: list[str] = []
    for w in pop.split():
        if w.lower() in _POP_STOP or (len(words) >= 2 and re.search(r"(?:ed|ing)$", w)):
            break
        words.append(w)
    return " ".join(words)


def _replace(m: Measure, **changes: object) -> Measure:
    from dataclasses import replace

    return replace(m, **changes)


# ------------------------------------------------------------------ clause structure

_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_CLAUSE_RE = re.compile(r";\s*|,\s+(?:and|with|so|while|but|including)\s+|\s+-\s+(?=with\b)|:\s+")
_STOP = frozenset(
    "a an the and or of to in on for with by at as is are be been being it its this that these those each every "
    "any all at least most than from into their they them which who whom what when where within without not no "
    "has have had must should can may per such other more less there both only also rather so before after "
    "over under between through up out one two three four five six seven eight nine ten".split()
)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]{2,}")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(" ".join(text.split())) if s.strip()]


def split_clauses(sentence: str) -> list[tuple[int, str]]:
    """Top-level clauses (not inside brackets) with their offsets; very short pieces join the previous one."""
    pieces, pos = [], 0
    for m in _CLAUSE_RE.finditer(sentence):
        before = sentence[:m.start()]
        if before.count("(") > before.count(")") or m.start() < pos:
            continue
        pieces.append((pos, sentence[pos:m.start()]))
        pos = m.end()
    pieces.append((pos, sentence[pos:]))
    out: list[tuple[int, str]] = []
    for off, text in pieces:
        text = text.strip(" .,;")
        if out and len(text.split()) < 4:
            po, pt = out[-1]
            out[-1] = (po, sentence[po:off + len(text)].strip(" .,;"))
        elif text:
            out.append((off, text))
    return out


def _in_brackets(text: str, fragment: str) -> bool:
    i = text.lower().find(fragment.lower())
    return i >= 0 and text.rfind("(", 0, i) > text.rfind(")", 0, i)


def content_terms(text: str) -> list[str]:
    """Lower-cased words of three letters or more, without function words."""
    return [w.lower() for w in _WORD_RE.findall(text) if w.lower() not in _STOP]


def parse_objective(control_id: str, text: str) -> list[Criterion]:
    """1-4 criteria from an objective's text: measured clauses first, then the remaining requirements."""
    measured: list[tuple[int, str, Measure]] = []
    plain: list[tuple[int, str]] = []
    base = 0
    for sentence in split_sentences(text):
        hits = find_measures(sentence)
        clauses = split_clauses(sentence)
        used: set[int] = set()
        for h in hits:
            idx = max((i for i, (off, _t) in enumerate(clauses) if off <= h.start), default=0)
            used.add(idx)
            measured.append((base + h.start, clauses[idx][1], h.measure))
        plain.extend((base + off, t) for i, (off, t) in enumerate(clauses) if i not in used)
        base += len(sentence) + 1
    if len(measured) > MAX_CRITERIA:  # a bracketed figure usually defines a term rather than setting a target
        bracketed = [r for r in measured if _in_brackets(text, r[2].text)]
        measured = [r for r in measured if r not in bracketed] + bracketed
    chosen = sorted(measured[:MAX_CRITERIA], key=lambda r: r[0])
    room = MAX_CRITERIA - len(chosen)
    rows: list[tuple[int, str, Measure | None]] = [*chosen, *[(o, t, None) for o, t in plain[:room]]]
    rows.sort(key=lambda r: r[0])
    if not rows:
        rows = [(0, " ".join(text.split()), None)]
    texts = [r[1] for r in rows]
    out = []
    for i, (_o, ctext, measure) in enumerate(rows):
        others = {w for j, t in enumerate(texts) if j != i and t != ctext for w in content_terms(t)}
        distinct = list(dict.fromkeys(w for w in content_terms(ctext) if w not in others))[:6]
        out.append(Criterion(f"{control_id}.c{i + 1}", ctext, measure, tuple(distinct)))
    return out


# ------------------------------------------------------------------ public API with cache

_CACHE: dict[tuple[str, str, str], tuple[Criterion, ...]] = {}


def parse_criteria(control: Control) -> list[Criterion]:
    """Criteria parsed from the control's objective text (ignores authored overrides)."""
    key = (control.id, control.objective, "")
    if key not in _CACHE:
        _CACHE[key] = tuple(parse_objective(control.id, control.objective))
    return list(_CACHE[key])


def _from_authored(control_id: str, items: list) -> list[Criterion]:
    out = []
    for i, c in enumerate(items):
        m = c.measure
        measure = Measure(m.kind, m.comparator, m.value, m.unit, m.window, m.population, c.text) if m else None
        out.append(Criterion(f"{control_id}.c{i + 1}", c.text, measure, tuple(dict.fromkeys(content_terms(c.text)))[:6],
                             authored=True))
    return out


def authored_criteria(control: Control) -> list[Criterion] | None:
    """Hand-written criteria for the control: inline on it, else from its corpus folder's criteria.yaml."""
    if control.criteria:
        return _from_authored(control.id, control.criteria)
    source = getattr(control, "_criteria_file", None)
    items = source.get(control.id) if source is not None else None
    return _from_authored(control.id, items) if items else None


def criteria_for(control: Control) -> list[Criterion]:
    """Authored criteria where the control carries them inline, or where the corpus' criteria.yaml
    reads the objective's measures differently from the parser; else the parsed criteria (cached)."""
    source = getattr(control, "_criteria_file", None)
    if not control.criteria and source is None:
        return parse_criteria(control)
    if source is not None:
        source.load()
    key = (control.id, control.objective, repr([c.model_dump() for c in control.criteria or ()]) +
           (source.key() if source is not None else ""))
    if key not in _CACHE:
        parsed = parse_criteria(control)
        authored = authored_criteria(control)
        use = authored if authored and (control.criteria or measure_keys(authored) != measure_keys(parsed)) else parsed
        _CACHE[key] = tuple(use)
    return list(_CACHE[key])


def measure_keys(criteria: list[Criterion]) -> list[tuple[str, str, float, str]]:
    return sorted(c.measure.key() for c in criteria if c.measure)


def criteria_report(controls: list[Control], authored: dict | None = None) -> dict:
    """Counts for ``corpus validate``: which objectives use parsed or authored criteria, how many carry a
    measure, and — when the authored file is given — how often the parser recovers the authored measures."""
    per_control = {}
    for c in controls:
        crits = criteria_for(c)
        per_control[c.id] = {
            "source": "authored" if crits and crits[0].authored else "parsed",
            "criteria": len(crits),
            "measures": sum(1 for k in crits if k.measure),
        }
    out: dict = {
        "parsed": sum(1 for v in per_control.values() if v["source"] == "parsed"),
        "authored": sum(1 for v in per_control.values() if v["source"] == "authored"),
        "with_measure": sum(1 for v in per_control.values() if v["measures"]),
        "per_control": per_control,
    }
    if authored:
        gold = {cid: sorted(Measure(a.measure.kind, a.measure.comparator, a.measure.value, a.measure.unit).key()
                            for a in items if a.measure) for cid, items in authored.items()}
        agree = [c.id for c in controls if c.id in gold and measure_keys(parse_criteria(c)) == gold[c.id]]
        out["parser_agreement"] = {"agree": len(agree), "authored": len(gold),
                                   "rate": round(len(agree) / len(gold), 4) if gold else None,
                                   "disagree": sorted(set(gold) - set(agree))}
    return out
