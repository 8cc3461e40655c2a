"""Text plumbing for the offline engine: sentence spans, tokens, stems, numbers and durations.

Sentences are returned as character spans of the original answer so every quote the engine cites
is a verbatim substring of what the respondent typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers him his how i if in into is it its itself just me more most my no nor not of off on once
    only or other our ours out over own same she should so some such than that the their theirs them then
    there these they this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours also e.g i.e etc per via us let lets get got one two three
    we're we've it's that's there's don't doesn't isn't aren't can't won't i'm they're""".split()
)
# Words that carry no topic but steer the status; kept out of matching so they cannot make a match.
SIGNAL_WORDS = frozenset(
    "yes yeah sure think believe probably maybe plan planning planned next quarter year month pilot "
    "progress working roadmap want like really actually well already currently today now".split()
)
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|Mr|Ms|Dr|No|Inc|Ltd|Corp|v\d+(?:\.\d+)*))$", re.I)
_BARE_NO = re.compile(r"(?:^|,)\s*no$", re.I)  # "No. The gateway rejects..." is an answer, not "No. 5"
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s+|$)|\n+|;\s")
_TOKEN = re.compile(r"[a-z0-9]+(?:[&'][a-z0-9]+)*")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


# Contractions written out, so that a status signal names "do not" once instead of "don't|dont|do not": the
# signal regexes (signals.py, the reviewed table) read the expanded sentence. "'s" is written out only after
# pronouns that cannot own anything ("nothing's" -> "nothing is", "there's been" -> "there has been"); elsewhere it
# may be a possessive, and "'d" (had / would) is ambiguous: both stay as written.
S_CLITICS = True
_IRREGULAR_NOT = {"can't": "cannot", "cant": "cannot", "won't": "will not", "shan't": "shall not", "ain't": "is not"}
_NOT = re.compile(r"\b(can't|cant|won't|shan't|ain't|(?:do|does|did|is|are|was|were|has|have|had|could|would|should|"
                  r"must|need|might)(?:n't|nt))\b", re.I)
_CLITIC = re.compile(r"\b(we|you|they|i)'(ve|re|ll|m)\b", re.I)
# After these words "'s" is "is" or "has", never a possessive: "nothing's written down", "there's been no review".
_S_HAS = re.compile(r"\b(it|that|there|here|what|nothing|he|she)'s\s+(been|got)\b", re.I)
_S_IS = re.compile(r"\b(it|that|there|here|what|nothing|he|she)'s\b", re.I)
_CLITIC_WORD = {"ve": "have", "re": "are", "ll": "will", "m": "am"}


def _expand_not(m: re.Match) -> str:
    word = m.group(1)
    low = word.lower()
    if low in _IRREGULAR_NOT:
        return _IRREGULAR_NOT[low]
    return word[: -3 if low.endswith("n't") else -2] + " not"


def expand_contractions(sentence: str) -> str:
    """ "We don't" -> "We do not", "we've" -> "we have", "can't" -> "cannot" (curly apostrophes too)."""
    text = sentence.replace("\u2019", "'")
    text = _NOT.sub(_expand_not, text)
    text = _CLITIC.sub(lambda m: f"{m.group(1)} {_CLITIC_WORD[m.group(2).lower()]}", text)
    if S_CLITICS:
        text = _S_IS.sub(r"\1 is", _S_HAS.sub(r"\1 has \2", text))
    return text


def sentences(text: str) -> list[Span]:
    """Split an answer into sentence spans (verbatim, stripped); abbreviations and decimals don't split."""
    spans: list[Span] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        piece = text[start:end]
        if m.group().startswith(".") and _ABBREV.search(text[start : m.start()]) and not _BARE_NO.search(
                text[start : m.start()]):
            continue
        if piece.strip():
            spans.append(_strip_span(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_strip_span(text, start, len(text)))
    return [s for s in spans if s.text]


def _strip_span(text: str, start: int, end: int) -> Span:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    s, e = start + lead, end - trail
    return Span(s, e, text[s:e])


def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'registries'/'registry', 'reviewed'/'review'."""
    w = word
    if len(w) <= 3 or w.isdigit():
        return w
    for suf, rep in (("ies", "y"), ("sses", "ss"), ("ied", "y")):
        if w.endswith(suf):
            return w[: -len(suf)] + rep
    for suf in ("ations", "ation", "ings", "ing", "edly", "ed", "ments", "ment", "ers", "er", "ly", "es", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "ls":
        w = w[:-1]
    return w.rstrip("e") if len(w) > 4 else w


_BRITISH = ((re.compile(r"(?<=[a-z]{3})is(ation|ations|e|ed|es|ing|er|ers)$"), r"iz\1"),
            (re.compile(r"(?<=[a-z]{3})ys(e|ed|es|ing)$"), r"yz\1"),
            (re.compile(r"^(licen|defen|offen)ce(s?)$"), r"\1se\2"),
            (re.compile(r"(?<=[a-z]{2}[ilvbmn])our(s?|ed|ing|able)$"), r"or\1"),
            (re.compile(r"^(catalog|dialog|analog)ue(s?)$"), r"\1\2"),
            (re.compile(r"^programme(s?)$"), r"program\1"))


@lru_cache(maxsize=65536)
def _american(word: str) -> str:
    """One spelling for both: 'organisation'/'organization', 'licence'/'license', 'behaviour'/'behavior'."""
    for rx, rep in _BRITISH:
        word = rx.sub(rep, word)
    return word


def tokens(text: str) -> list[str]:
    return [_american(t) for t in _TOKEN.findall(text.lower().replace("-", " ").replace("/", " "))]


def content_stems(text: str) -> list[str]:
    """Stems of the topical words of a text (stop words and status words removed)."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS and t not in SIGNAL_WORDS and len(t) > 1]


# ---------------------------------------------------------------- numbers, thresholds, durations

_NUMBER_WORDS = {
    "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "eighteen": 18,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
}
_UNIT_DAYS = {"hour": 1 / 24, "day": 1, "business day": 1.4, "working day": 1.4, "week": 7, "month": 30,
              "quarter": 91, "year": 365}
_CADENCE_WORDS = {
    "hourly": 1 / 24, "daily": 1, "nightly": 1, "every day": 1, "weekly": 7, "every week": 7, "fortnightly": 14,
    "biweekly": 14, "monthly": 30, "every month": 30, "once a month": 30, "quarterly": 91, "every quarter": 91,
    "twice a year": 182, "semi-annually": 182, "semiannually": 182, "every six months": 182,
    "annually": 365, "annual": 365, "yearly": 365, "every year": 365, "once a year": 365,
    "each year": 365, "every two years": 730, "every other year": 730, "biennially": 730,
    "real time": 0.01, "real-time": 0.01, "continuously": 0.01, "continuous": 0.01,
}
_PCT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)")
_DURATION = re.compile(
    r"\b(within|every|each|at least every|no more than|under|inside|in|takes?|after|once every|"
    r"than|up to|at most)\s+(?:about\s+|roughly\s+|around\s+)?"
    r"(\d+(?:\.\d+)?|one|a|an|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|"
    r"fifteen|eighteen|twenty|thirty|forty|fifty|sixty|ninety)?\s*"
    r"(hour|business day|working day|day|week|month|quarter|year)s?\b",
    re.I,
)
_FREQ_CUES = {"within", "every", "each", "at least every", "no more than", "under", "inside", "once every",
              "than", "up to", "at most", "takes", "take", "after"}


_RATIO = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:out\s+)?of\s+"
                    r"(?:the\s+|our\s+)?(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b(?!\s*%)", re.I)
_FRACTIONS = {r"\ba (?:quarter|fourth) of\b": 25.0, r"\ba third of\b": 33.0, r"\b(?:about|roughly|around|only|just over|just under|under|over) half\b|\bhalf (?:of|our|the)\b": 50.0,
              r"\btwo[- ]thirds\b": 67.0, r"\bthree[- ]quarters\b": 75.0, r"\bquarter of\b": 25.0}


_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_WORD_NUMBER = re.compile(
    r"\b(?:(?P<tens>" + "|".join(_TENS) + r")(?:[- ](?P<unit>" + "|".join(k for k in _UNITS if k != "zero")
    + r"))?|(?P<only>" + "|".join(_UNITS) + r"))(?:\s+hundred(?:\s+and)?(?:\s+(?P<rest>\d+))?)?"
    r"(?:\s+point\s+(?P<dec>" + "|".join(_UNITS) + r"))?\b", re.I)


def _word_value(m: re.Match) -> float:
    if m.group("tens"):
        v = float(_TENS[m.group("tens").lower()] + (_UNITS[m.group("unit").lower()] if m.group("unit") else 0))
    else:
        v = float(_UNITS[m.group("only").lower()])
    if m.group("dec"):
        v += _UNITS[m.group("dec").lower()] / 10
    return v


def numerals(text: str) -> str:
    """The text with numbers written as words turned into digits ('thirty-six of thirty-nine' -> '36 of 39').

    'one' stays a word when it is a pronoun or an article-like use ('one of the two', 'the one', 'one team'
    is handled by the callers); only the share and count patterns below read the digits.
    """
    def sub(m: re.Match) -> str:
        if "hundred" in m.group(0).lower():
            return m.group(0)
        return f"{_word_value(m):g}"
    return _WORD_NUMBER.sub(sub, text)


_WORD_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
                   "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8,
                   "tenth": 10, "tenths": 10}
_FRACTION = re.compile(r"\b(\d+)[- ](" + "|".join(_WORD_FRACTIONS) + r")\b", re.I)
_IN_RATIO = re.compile(r"\b(\d+(?:\.\d+)?)\s+(?:in|out of)\s+(?:every\s+)?(\d+)\b(?!\s*%)", re.I)
_ALL_BUT = re.compile(r"\ball but (?:about |roughly |around |some )?(\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)", re.I)
# "mapped to one of the two", "in one of our three regions": which one, not how many
# "every one of the four production apps", "each one of our 12": all of them, not one in four
_MEMBERSHIP = re.compile(r"\b(?:(?:to|in|into|on|at|from|by|under|with|for)\s+(?:either\s+)?|(?:every|each|any)\s+|"
                         r"(?:every|each|any)(?:\s+single)?\s+)1\s+of\s+(?:the|our|its|their|these|those)\s+\d+", re.I)


def percentages(text: str) -> list[float]:
    """Shares stated in a text: '94%', '67 of 70', 'one out of five', 'nine in ten', 'four-fifths', 'about half'."""
    num = numerals(text)
    num = _MEMBERSHIP.sub(" ", num)
    butted = [m.span() for m in _ALL_BUT.finditer(num)]
    out = [100.0 - float(m.group(1)) for m in _ALL_BUT.finditer(num) if float(m.group(1)) <= 100]
    out += [float(m.group(1)) for m in _PCT.finditer(num) if float(m.group(1)) <= 100
            and not any(a <= m.start() < b for a, b in butted)]
    for m in _RATIO.finditer(num):
        a, b = (_NUMBER_WORDS.get(x.lower()) if not x.isdigit() else float(x) for x in m.groups())
        if a is not None and b and a <= b and b > 1:
            out.append(round(100.0 * a / b, 1))
    for m in _IN_RATIO.finditer(num):
        a, b = float(m.group(1)), float(m.group(2))
        if 0 < a <= b and b > 1:
            out.append(round(100.0 * a / b, 1))
    for m in _FRACTION.finditer(num):
        a, b = float(m.group(1)), _WORD_FRACTIONS[m.group(2).lower()]
        if 0 < a < b:
            out.append(round(100.0 * a / b, 1))
    low = text.lower()
    for rx, val in _FRACTIONS.items():
        if re.search(rx, low):
            out.append(val)
            break
    return out


def durations(text: str) -> list[float]:
    """Time limits and cadences in days ('within 30 days', 'quarterly', 'every 12 months')."""
    out: list[float] = []
    low = text.lower()
    for m in _DURATION.finditer(low):
        cue, num, unit = m.group(1), m.group(2), m.group(3)
        if cue not in _FREQ_CUES and cue != "in":
            continue
        if cue == "in" and not num:
            continue
        n = _NUMBER_WORDS.get(num, None) if num and not num[0].isdigit() else (float(num) if num else 1.0)
        if n is None:
            continue
        out.append(n * _UNIT_DAYS[unit])
    for word, days in _CADENCE_WORDS.items():
        if re.search(r"(?<![a-z-])" + re.escape(word) + r"(?![a-z])", low):
            out.append(days)
    return out
