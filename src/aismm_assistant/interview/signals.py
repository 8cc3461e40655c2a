"""What a sentence commits to: in place, partial, planned, absent, or too vague to count.

These are the status signals of the offline engine (docs/interview.md). They look at commitment
words, coverage words, numbers compared with the objective's own thresholds, and named specifics.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from aismm_assistant.interview import polarity, readers
from aismm_assistant.interview.lexicon import family_fires
from aismm_assistant.interview.text import (
    content_stems,
    durations,
    expand_contractions,
    percentages,
    sentences,
)

_OFF_TOPIC = re.compile(r"\b(?:side note|by the way|unrelated|off[- ]topic)\b", re.I)
_PRESENT = re.compile(r"\b(?:today|currently|already|right now|at the moment|so far|for now|in place|live)\b", re.I)
_AUTOMATIC = re.compile(r"\b(?:automat\w*|auto[- ]\w+)", re.I)
_ALL = re.compile(r"\b(?:all|every|each|100 ?%|fully|entire|whole|across the board|without exception)\b", re.I)
_ARTIFACT = re.compile(
    r"\b(?:policy|policies|standard|register|registry|inventory|dashboard|pipeline|runbook|playbook|procedure|"
    r"charter|report|reports|ticket|tickets|jira|confluence|sharepoint|servicenow|wiki|siem|splunk|sentinel|"
    r"okta|entra|purview|log|logs|workflow|minutes|checklist|template|matrix|catalogue|catalog|bom|sbom|"
    r"attestation|attested|signed|approved|version[- ]controlled|git|repo|repository|tool|platform|"
    r"committee|council|board|training|course|exercise|tabletop|contract|clause|assessment|questionnaire|"
    r"scan|scanner|gateway|guardrails?|alert|alerts|rule|rules|control|controls|review|reviewed|owner|owned)\b",
    re.I,
)
_PROPER = re.compile(r"(?<=[a-z,;:] )[A-Z][A-Za-z0-9]+|\b[A-Z]{2,}[A-Za-z0-9-]*\b")
_DIGIT = re.compile(r"\d")
_VAGUE = re.compile(
    r"^\s*(?:yes|yeah|yep|sure|of course|absolutely|definitely|right)\b|\b(?:we are covered|we do that|"
    r"that is covered|it is covered|more or less|sort of|kind of|we are fine|industry standard|as needed)\b",
    re.I,
)


# "X covers all of it, but Y isn't": a control in place with a named gap.
_CONTRAST = re.compile(r"^(?P<head>.*?\b(?:all|every|each|both)\b.*?)(?:,|;|\s-)?\s+but\s+(?P<tail>.+)$", re.I)
# A negative inside a "because" clause gives a reason ("set to not applicable because we have no EU users").
_BECAUSE = re.compile(r"\b(?:because|since (?:we are|it is|they are|there is))\b[^,;:()]*",
                      re.I)
# A negative inside a condition describes when a control acts, not that it is missing: "the pipeline fails when the
# entry isn't approved", "if a model is not registered the gateway refuses it" (the main clause still counts: "if it
# breaks, we don't have a plan").
CONDITIONS = True
_CONDITION = re.compile(r"\b(?:when|whenever|if)\b[^,;:()\u2013\u2014]*?(?=$|[,;:()\u2013\u2014.]|\s-\s|\s(?:and|but|so|which)\s)",
                        re.I)
# A negative that states the *result* of a control ("logins are blocked, so there's no way to use a personal
# account", "privacy mode is forced, so nothing is kept") describes prevention, not absence: the clause after
# "so" / "which means" is read as a consequence when the clause before it is not itself negated.
_RESULT = re.compile(r"(?P<head>^.*?)(?:,|;|\s-)\s*(?:so(?: that)?|which means|meaning|that way)\s+(?P<tail>[^,;]*)",
                     re.I)
_ENFORCED = re.compile(r"\b(?:blocked|forced|enforced|denied|disabled|locked(?: down)?|restricted|rejected|refused|"
                       r"isolated|air[- ]gapped|turned off|switched off|turned on|switched on|is on|are on|required|"
                       r"mandatory|stripped|redacted|masked|encrypted|pinned|signed|firewalled|segmented)\b", re.I)
@dataclass
class Signals:
    negated: bool = False
    planned: bool = False
    pilot: bool = False
    partial: bool = False
    hedged: bool = False
    unsure: bool = False
    vague: bool = False
    correction: bool = False
    off_topic: bool = False
    generic: bool = False
    manual: bool = False
    automatic: bool = False
    present: bool = False
    universal: bool = False
    ceiling: bool = False
    specifics: int = 0
    percents: list[float] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)
    # the family readers' probabilities: planned (intention or mixed), pilot, scope gap, by hand (0 without the cue)
    readings: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    def names(self) -> list[str]:
        return [n for n in ("negated", "planned", "pilot", "partial", "hedged", "unsure", "vague", "correction",
                            "generic")
                if getattr(self, n)]


# The negation reading: one generic cue finds a negation (polarity.CUE) and the learned polarity reader (polarity.py)
# says whether the sentence describes a missing control or a control at work ("nothing ships unsigned"). What is
# left here is structure: a "because ..." or "if ..." clause, or the consequence of an enforcing clause, is not the
# sentence's claim. (The lists of enforcement phrasings that used to clear a negation - privatives, "nobody holds a
# key", "no local login possible, we disabled it" - measured no better than the reader alone and went.)


def _negated(sentence: str, raw: str | None = None) -> bool:
    text = _BECAUSE.sub(" ", sentence)
    if CONDITIONS:
        text = _CONDITION.sub(" ", text)
    result = _RESULT.match(text)
    if result and _ENFORCED.search(result.group("head")) and not polarity.negation(result.group("head")):
        text = text[: result.start("tail")] + text[result.end("tail"):]
    if not polarity.negation(text):
        return False
    gap = polarity.gap_probability(raw if raw is not None else sentence)
    return gap is None or gap >= polarity.GAP_AT


# A cadence the sentence denies is not its cadence: "refreshed quarterly, not monthly", "it isn't a monthly thing".
_NOT_CADENCE = re.compile(r"\b(?:not|rather than|instead of)\s+(?:an?\s+|every\s+|once\s+an?\s+)?"
                          r"(?:daily|weekly|fortnightly|monthly|quarterly|annually|yearly|nightly|day|week|month|quarter|"
                          r"year)\b", re.I)


# Round 7 reading rules (docs/interview.md).
# A respondent's doubt about one part, after stating what is in place, names a gap: "Stella Assist streams … into
# Splunk, but Auto-Triage … only write to a debug bucket, and I'm not sure anyone has a block-rate number", "The
# policies are in Git, but if someone edited one on the cluster I'm not sure we'd be told" (partial, not unknown).
_DOUBT_CLAUSE = re.compile(r"(?:[,;-]\s*(?:but|and)?\s*|\bbut\b[^.;]{0,80}\b)(?:i am|we are)\s+not sure\s+"
                           r"(?:we|anyone|anybody|whether|if|that|they|it)\b", re.I)
_TAG = re.compile(r"<[^<>]{0,300}>")
_CODE_TOKEN = re.compile(r"\S*(?:__|[=(){}\[\];$`\\])\S*")
_PROSE_WORD = re.compile(r"\b[A-Za-z][A-Za-z'’-]*[a-z][A-Za-z'’-]*\b")


def _has_markup(text: str) -> bool:
    return bool(_TAG.search(text) or _CODE_TOKEN.search(text))


def markup_only(text: str) -> bool:
    """Markup or code with hardly any prose around it (fewer than four words): nothing a respondent commits to."""
    return _has_markup(text) and len(prose_words(text)) < 4


def says_something(text: str) -> bool:
    """The text has words of prose, and is not markup or code with hardly any prose around it."""
    words = prose_words(text)
    return bool(words) and not (len(words) < 4 and _has_markup(text))


def prose_words(sentence: str) -> list[str]:
    """Natural-language words once markup is removed ('<script>…</script>' says nothing about a control)."""
    text = _TAG.sub(" ", sentence)
    text = _CODE_TOKEN.sub(" ", text)
    return _PROSE_WORD.findall(text)

def detect(sentence: str) -> Signals:
    """Commitment, coverage and specificity signals of one sentence (read with its contractions written out)."""
    raw, sentence = sentence, expand_contractions(sentence)
    specifics = len(_ARTIFACT.findall(sentence)) + len(_PROPER.findall(sentence)) + (
        2 if _DIGIT.search(sentence) else 0
    )
    sig = Signals(
        negated=_negated(sentence, raw),
        generic=family_fires(sentence, "general-IT look-alikes"),
        hedged=family_fires(sentence, "hedges", ("doubt",)),
        unsure=family_fires(sentence, "hedges", ("does not know",)),
        correction=family_fires(sentence, "corrections"),
        off_topic=bool(_OFF_TOPIC.search(sentence)),
        present=bool(_PRESENT.search(sentence)),
        automatic=bool(_AUTOMATIC.search(sentence)),
        universal=bool(_ALL.search(sentence)),
        specifics=specifics,
        percents=percentages(sentence),
        ceiling=bool(re.search(r"\b(?:below|under|less than|at most|no more than|fewer than|above|down|fell|"
                               r"false positives?|error rate|failure rate|success rate)\b", sentence, re.I)),
        durations=durations(_NOT_CADENCE.sub(" ", sentence)),
    )
    # plans and pilots, partial scope, manual work: one cue each, read by the learned readers (readers.py)
    read = readers.read_all(raw)
    plan_p, scope_p, manual_p = (read[f] for f in readers.CLASSES)
    plans = readers.decide("plans and pilots", plan_p)
    sig.planned = plans in ("intention", "mixed")
    sig.pilot = plans == "pilot"
    sig.partial = plans == "mixed" or readers.decide("partial scope", scope_p) == "gap"
    sig.present = sig.present or plans == "mixed"
    sig.manual = readers.decide("manual vs automated", manual_p) == "by hand"
    sig.readings = (plan_p[1] + plan_p[3] if plan_p else 0.0, plan_p[2] if plan_p else 0.0,
                    scope_p[1] if scope_p else 0.0, manual_p[1] if manual_p else 0.0)
    contrast = _CONTRAST.match(sentence)
    if sig.negated and contrast and not polarity.negation(contrast.group("head")) and polarity.negation(
            contrast.group("tail")):
        sig.partial = True  # read with the negation as "in place for part of the scope"
    sig.vague = bool(_VAGUE.search(sentence)) and specifics < 2 or (specifics == 0 and len(sentence.split()) < 7)
    if markup_only(sentence):
        sig.vague = True  # markup or code with hardly any prose: nothing a respondent commits to
    if sig.unsure and sig.specifics >= 2 and _DOUBT_CLAUSE.search(sentence):
        sig.unsure, sig.partial = False, True
    if ABLATE:
        _ablate(sig, sentence)
    return sig


# Ablation (docs/interview.md, "Ablation by family"): AISMM_ABLATE="hedges,corrections" switches families off, to
# measure what each one does on the tuning set. Never set in normal use.
ABLATE = frozenset(f.strip() for f in os.environ.get("AISMM_ABLATE", "").split(",") if f.strip())


def _ablate(sig: Signals, sentence: str) -> None:
    if "negation scope" in ABLATE:
        sig.negated = False
    if "plans and pilots" in ABLATE:
        sig.planned = False
        sig.pilot = False
    if "partial scope" in ABLATE:
        sig.partial = False
    if "hedges" in ABLATE:
        sig.hedged = sig.unsure = False
    if "corrections" in ABLATE:
        sig.correction = False
    if "general-IT look-alikes" in ABLATE:
        sig.generic = False
    if "manual vs automated" in ABLATE:
        sig.manual = False


@dataclass(frozen=True)
class Thresholds:
    """The numbers an objective commits to: the lowest share it requires, the longest interval it allows."""

    min_percent: float | None
    max_days: float | None
    automated: bool = False  # the objective asks for it to happen automatically (assessment mode "Automated")


_CEILING = re.compile(r"(?:below|under|less than|at most|no more than|fewer than|maximum of|max|<|exceed\w*|above|"
                      r"over|more than)\s*(?:\w+\s+){0,2}$", re.I)


def _floor_percentages(text: str) -> list[float]:
    """Percentages the objective requires at least of ('at least 90%'), not ceilings ('below 5%')."""
    out = []
    for m in re.finditer(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b)", text):
        if not _CEILING.search(text[max(0, m.start() - 30) : m.start()]):
            out.append(float(m.group(1)))
    return out


def objective_thresholds(objective_text: str, automated: bool = False) -> Thresholds:
    pcts = [p for p in _floor_percentages(objective_text) if p > 0]
    days = [d for d in durations(objective_text) if d >= 0.5]
    return Thresholds(min(pcts) if pcts else None, max(days) if days else None, automated)


def shortfall(sig: Signals, th: Thresholds) -> str | None:
    """A stated number that misses the objective's bar ('about 60%' vs 90%, 'annually' vs quarterly)."""
    shares = [p for p in sig.percents if p >= th.min_percent / 4] if th.min_percent else []
    if th.min_percent is not None and shares and not sig.ceiling:  # a tiny share is another metric (an error rate)
        if max(shares) < th.min_percent:
            return f"{max(shares):g}% is below the objective's {th.min_percent:g}%"
    if th.max_days is not None and sig.durations:
        slowest = min(sig.durations)
        if slowest > th.max_days * 1.05 and slowest >= 1:
            return f"an interval of about {slowest:g} days exceeds the objective's {th.max_days:g} days"
    return None


# ---------------------------------------------------------------- what the objective itself says does not count

# The corpus descriptions name what falls short ("A list on a wiki that procurement never consults does not meet
# the objective", "A system prompt telling the agent not to delete records is not enforcement"). Such sentences are
# read generically: the verdict clause is cut off and the rest is split into its alternatives ("X, or Y, does not
# count").
_EXEMPLAR_VERDICT = re.compile(
    r"\b(?:does not|do not|doesn't|don't) (?:meet|count|qualify)\b|\bfalls? short\b|\b(?:is|are) not met\b"
    r"|\b(?:is|are) not (?:enough|sufficient|enforcement|access control|a control|a guardrail|evidence)\b"
    r"|\b(?:nor|neither) (?:does|do|is|are)\b|\bis not\.\s*$", re.I)
_EXEMPLAR_CUT = re.compile(
    r",?\s*(?:\bhowever [^,]*,\s*)?(?:\beven (?:if|with|when) [^,]*,\s*)?(?:\b(?:does not|do not|doesn't|don't) "
    r"(?:meet|count|qualify)|\bfalls? short|\bmeans the objective|\b(?:is|are) not (?:met|enough|sufficient|"
    r"enforcement|access control|a control|a guardrail|evidence)\b|\bis not\.\s*$)(?:\s+(?:the|this) objective)?", re.I)
_EXEMPLAR_SPLIT = re.compile(r",\s*(?:or|nor)\s+|;\s*|\b(?:and )?(?:nor|neither) (?:does|do|is|are)\b", re.I)
_VERDICT_STEMS = frozenset(content_stems("objective objectives meet meets count counts qualify met level however "
                                          "even good valuable thorough disciplined accurate"))


def negative_exemplars(description: str) -> list[frozenset[str]]:
    """Content stems of each thing the description says does not meet the objective."""
    out: list[frozenset[str]] = []
    for span in sentences(description or ""):
        if not _EXEMPLAR_VERDICT.search(span.text):
            continue
        body = _EXEMPLAR_CUT.sub("", span.text)
        for alternative in _EXEMPLAR_SPLIT.split(body):
            stems = frozenset(content_stems(alternative)) - _VERDICT_STEMS
            if len(stems) >= 2:
                out.append(stems)
    return out
