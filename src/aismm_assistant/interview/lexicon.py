"""The reviewed table of status signals (issue 11): small, generic cues in named families.

Each cue is a short regex with a generic example it must fire on and a generic counter-example it must not
(tests/interview/test_status_lexicon.py checks every row). Nothing here may be written for one sentence of a golden
set: a cue earns its place by a family rule a careful assessor applies to any transcript. Cues read the sentence with
its contractions written out (text.expand_contractions), so each names one form ("do not", not "don't|do not").

Families in the table:
- negation scope: the one negation cue; whether a negated sentence describes a missing control or a control at
  work ("nothing ships unsigned", "no local login is possible, we disabled it") is read by the learned polarity
  reader (polarity.py), not by lists of phrasings;
- plans and pilots, partial scope, manual vs automated: one broad cue each ("intention or trial", "coverage word",
  "person at work"); what a sentence the cue finds says (an intention or a document called a plan, a coverage gap or
  a restriction that is the control, a person's step or a system's) is read by the learned readers of readers.py,
  trained on sentence-level labels (phase 8; they replaced about 580 alternatives of signals.py);
- hedges: the respondent's doubt withholds met;
- corrections: a later statement that corrects an earlier one wins;
- general-IT look-alikes: a general control offered for an AI objective, unless the sentence names the AI part.

The rest of the engine's signals (negation structure, one-off vs recurring cadences, specifics) are the regexes of
signals.py. Every alternative there and here is measured on the tuning set by
`python -m aismm_assistant.evals.lexicon` (docs/interview.md, "Lexicon size"). Cues that duplicated signals.py
without being read by it were removed rather than kept as a second, unused copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from aismm_assistant.interview.text import expand_contractions

FAMILIES = ("negation scope", "plans and pilots", "partial scope", "manual vs automated", "hedges", "corrections",
            "general-IT look-alikes")


@dataclass(frozen=True)
class Cue:
    family: str
    name: str
    pattern: str
    example: str
    counter_example: str
    # a cue that *clears* its family's reading (a restriction is not partial coverage)
    clears: bool = False

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern, re.I)

    @property
    def alternatives(self) -> int:
        return 1 + self.pattern.count("|")


CUES: tuple[Cue, ...] = (
    # ---------------------------------------------------------------- negation scope
    Cue("negation scope", "negation",
        r"\b(?:not|no|never|nothing|nobody|none|no[- ]one|without|cannot|neither|nor|lacks?|lacking)\b",
        "We do not review the prompts.",
        "Notes on each review are kept in the wiki."),
    # ---------------------------------------------------------------- hedges
    Cue("hedges", "doubt",
        r"\b(?:i think|i believe|probably|i guess|maybe|perhaps|as far as i know|afaik|i assume|i suppose|should be)\b",
        "I think the logs go to the SIEM.",
        "The logs go to the SIEM."),
    Cue("hedges", "does not know",
        r"\b(?:not sure|do not know|no idea|cannot say|i'?d (?:have|need) to check|ask the)\b",
        "I'm not sure who owns it, I'd have to check.",
        "The deputy CISO owns that register."),
    # ---------------------------------------------------------------- corrections
    Cue("corrections", "correction",
        r"\b(?:actually|correction|(?:to|let me|i need to|i should) (?:correct|clarify)|scratch that|in fact|"
        r"to be precise|i overstated|(?:what|as) i said (?:earlier|before))\b",
        "Actually, the review covers only the public apps.",
        "The review covers the public apps."),
    # ---------------------------------------------------------------- plans and pilots, partial scope, manual work
    # One cue per family finds the candidate sentences; the learned readers of readers.py decide what each says
    # ("the test plan" is a document, "is booked for March" an intention; "only two admins can deploy" a restriction,
    # "only the chatbot is covered" a gap). A cue is broad on purpose: a missed sentence cannot be read at all.
    Cue("plans and pilots", "intention or trial",
        r"\b(?:plan\w*|will|going to|intend\w*|aim\w*|hop(?:e|es|ed|ing|efully)|want\w*|would like|next|roadmap|"
        r"future|soon|later|eventually|yet|draft\w*|pilot\w*|trial\w*|proof[- ]of[- ]concept|poc|prototyp\w*|consider\w*|"
        r"evaluat\w*|explor\w*|looking|working on|progress|under ?way|budget\w*|propos\w*|pending|awaiting|schedul\w*|"
        r"start\w*|by (?:q[1-4]|20\d\d|the end|end)|fy\d\d|one[- ]off|backlog|experiment\w*|discuss\w*|talked|list|booked|"
        r"pencil+ed|d like|mean to|once|wish|(?:are|am|is) \w+ing)\b",
        "We plan to add a second reviewer next year.",
        "The reviewer signs each release."),
    Cue("partial scope", "coverage word",
        r"\b(?:only|some|most|mostly|few|couple|part|partial\w*|partly|half|majority|except\w*|apart from|"
        r"other than|but not|not all|not every|not always|not everywhere|not consistently|sometimes|occasionally|"
        r"inconsistent\w*|patchy|spotty|uneven|limited|just|subset|handful|nearly|almost|in places|remember\w*)\b",
        "Only the customer-facing apps are scanned.",
        "Every app is scanned before release."),
    Cue("manual vs automated", "person at work",
        r"\b(?:manual\w*|by hand|hand[- ]\w+|someone|somebody|a person|a human|humans?|people|analysts?|"
        r"reminders?|spreadsheets?|(?:we|i|they) (?:still )?(?:chase|type|copy|paste|email|ring|phone|check|pull|update))\b",
        "Someone copies the results into the register by hand.",
        "The pipeline writes the results to the register."),
    # ---------------------------------------------------------------- general-IT look-alikes
    Cue("general-IT look-alikes", "the general process",
        r"\b(?:our|the)\s+(?:normal|usual|standard|general|existing|generic|company-wide)\s+(?:[\w-]+\s+){0,2}"
        r"(?:process|plan|procedure|policy|playbook|runbook|template|review|form|questionnaire)\b"
        r"|\b(?:same|like)\s+(?:as\s+)?(?:for\s+)?(?:any|every|all)\s+other\b"
        r"|\bsame (?:[\w-]+ ){0,2}(?:as|we use for) (?:a|an|any|every|everything|all|other)\b",
        "It goes through our normal change process.",
        "It goes through the AI change process."),
    Cue("general-IT look-alikes", "names no AI part",
        r"\bnothing\s+(?:ai|AI)[- ]specific\b|\bnot\s+(?:ai|AI)[- ]specific\b|\b(?:does not|do not)\s+mention\s+(?:ai|"
        r"AI|models?)\b",
        "The plan doesn't mention AI at all.",
        "Our continuity plan gives the language models their own section."),
    Cue("general-IT look-alikes", "names the AI part",
        r"\b(?:ai|genai|llms?|models?|prompts?|agents?|agentic|chatbots?|bots?|assistants?|copilot|gpt[\w.-]*|"
        r"machine learning|ml|inference|embeddings?|rag|injection|jailbreaks?|hallucinations?|fine-?tun\w*|"
        r"training data|weights)\b",
        "The incident plan has a section on prompt injection.",
        "The incident plan covers ransomware.",
        clears=True),
)


def family_fires(sentence: str, family: str, names: Iterable[str] | None = None) -> bool:
    """A cue of `family` (optionally one of `names`) reads the sentence, and no clearing cue of the family does."""
    hits = fired(sentence, family)
    wanted = set(names) if names is not None else None
    return any(not c.clears and (wanted is None or c.name in wanted) for c in hits) and not any(
        c.clears for c in hits)


def cues(family: str | None = None) -> tuple[Cue, ...]:
    return tuple(c for c in CUES if family is None or c.family == family)


def fired(sentence: str, family: str | None = None) -> list[Cue]:
    """The cues of `family` (or of every family) that fire on `sentence`."""
    text = expand_contractions(sentence)
    return [c for c in cues(family) if c.regex.search(text)]


def alternatives() -> int:
    """The table's size in the unit issue 11 counts (regex alternatives)."""
    return sum(c.alternatives for c in CUES)
