"""The reviewed table of status signals (issue 11): small, generic cues in named families.

Each cue is a short regex with a generic example it must fire on and a generic counter-example it must not
(tests/test_status_lexicon.py checks every row). Nothing here may be written for one sentence of a golden set:
a cue earns its place by a family rule a careful assessor applies to any transcript.

Families:
- negation scope: a control is absent when the organisation (or nothing / nobody) is the subject of the negation;
  a negation whose subject is a person, system or request being stopped describes enforcement, not absence;
- plans and pilots: intentions, work in progress, drafts, trials; never met;
- partial scope: a control that covers part of what the objective asks; restrictions ("only admins can") are
  controls, not gaps;
- one-off vs recurring: a single past exercise is not a recurring control;
- hedges: the respondent's doubt withholds met;
- corrections: a later statement that corrects an earlier one wins;
- general-IT look-alikes: a general control offered for an AI objective, unless the sentence names the AI part.

signals.detect reads hedges, corrections and general-IT look-alikes from this table; the other families still come
from signals.py until their cues are measured against it (docs/interview.md, issue 11 ablation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

FAMILIES = ("negation scope", "plans and pilots", "partial scope", "one-off vs recurring", "hedges", "corrections",
            "general-IT look-alikes")

# Who acts in a sentence that says what the organisation does (not a system or a person being prevented).
_ORG = r"(?:we|i|our (?:\w+ ){0,2}(?:team|function|department|group|org|organisation|organization|company|firm))"
_AUX = r"(?:do|does|did|have|has|had|are|is|was|were|can|could|will|would|'ve|'re)"


@dataclass(frozen=True)
class Cue:
    family: str
    name: str
    pattern: str
    example: str
    counter_example: str
    # a cue that *clears* its family's reading (a restriction is not partial coverage, prevention is not absence)
    clears: bool = False

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern, re.I)

    @property
    def alternatives(self) -> int:
        return 1 + self.pattern.count("|")


CUES: tuple[Cue, ...] = (
    # ---------------------------------------------------------------- negation scope
    Cue("negation scope", "organisation does not",
        rf"\b{_ORG}(?:'ve|'d|'re|'m)?\s+(?:\w+\s+)?(?:{_AUX}(?:n't|\s+not)|never|no longer)\b"
        r"(?!\s+(?:allow|let|permit)\b)",
        "We don't keep a list of the models teams use.",
        "The assistant can't send email on its own."),
    Cue("negation scope", "there is no",
        r"\bthere(?:'s|\s+is|\s+are|\s+was|\s+were)\s+(?:no|not\s+(?:a|any))\b|\bthere\s+(?:isn't|aren't)\s+(?:a|any)\b",
        "There is no owner for the chatbot.",
        "There is an owner for the chatbot."),
    Cue("negation scope", "nothing or nobody does it",
        r"\b(?:nothing|nobody|no one|no-one)\s+(?!else\b|can\b|may\b|could\b|is allowed\b|gets? (?:in|out|through)\b)"
        r"(?:\w+ly\s+)?\w+(?:s|ed)\b",
        "Nobody reviews the alerts.",
        "Nobody can call the model directly."),
    Cue("negation scope", "not yet, not really",
        r"\bnot\s+(?:yet|really|at all|formally|in place)\b|\bnone yet\b",
        "Not really, it depends on the team.",
        "It has been in place since March."),
    Cue("negation scope", "informal practice",
        r"\bad[- ]hoc\b|\bcase[- ]by[- ]case\b|\binformal(?:ly)?\b",
        "Reviews happen ad hoc when someone asks.",
        "Reviews happen every quarter."),
    Cue("negation scope", "prevention is not absence",
        r"\b(?:no|not|never|can't|cannot|won't)\b[^.;]{0,40}\b(?:possible|allowed|permitted|able)\b"
        r"|\b(?:blocked|blocks|disabled|denied|denies|rejected|rejects|prevents?|prevented|forbids|forbidden|"
        r"prohibited|switched off|turned off)\b",
        "Local sign-in is not possible; we disabled it in the console.",
        "We do not review the prompts.",
        clears=True),
    Cue("negation scope", "absence of a bad thing",
        r"\b(?:no|zero|without)\s+(?:\w+\s+)?(?:un\w{4,}|non-\w+|exceptions?|bypass(?:es)?|workarounds?|backdoors?)\b",
        "There are no unmanaged keys and no exceptions.",
        "There are no reviews of the keys."),
    # ---------------------------------------------------------------- plans and pilots
    Cue("plans and pilots", "intention",
        r"\b(?:we|i|they|the team)(?:'ll|\s+will|\s+plan\s+to|\s+intend\s+to|\s+aim\s+to|\s+hope\s+to|"
        r"(?:'re|\s+are)\s+going\s+to|\s+want\s+to|'d\s+like\s+to|\s+would\s+like\s+to)\b",
        "We plan to add an approval step for new models.",
        "We added an approval step for new models."),
    Cue("plans and pilots", "time ahead",
        r"\b(?:next\s+(?:quarter|year|month|sprint|release|financial year|fiscal year)|later this year|"
        r"by (?:the end of|end of|q[1-4]\b|20\d\d)|in the new year)\b",
        "The register should be ready next quarter.",
        "The register was ready last quarter."),
    Cue("plans and pilots", "work in progress",
        r"\b(?:in progress|under\s?way|work in progress|on the roadmap|in (?:the|our) backlog|"
        r"(?:is|are|'re|still)\s+(?:being\s+)?(?:drafted|drafting|built|building|rolled out|rolling out|"
        r"set up|setting up|written|writing))\b",
        "The standard is being drafted with legal.",
        "The standard was drafted with legal in 2024."),
    Cue("plans and pilots", "draft or pending",
        r"\b(?:in draft|a draft|still a draft|pending (?:approval|sign[- ]off|budget)|awaiting (?:approval|sign[- ]off|"
        r"budget)|not yet approved)\b",
        "The policy is still a draft awaiting approval.",
        "The policy was approved by the board."),
    Cue("plans and pilots", "pilot or trial",
        r"\b(?:pilot(?:ing|ed)?|trial(?:l?ing|led)?|proof[- ]of[- ]concept|poc|prototyp\w*|trying (?:it |them )?out)\b"
        r"(?!\s+(?:use case|project|programme|program)\b)",
        "Two teams are piloting the scanner.",
        "Every team runs the scanner."),
    # ---------------------------------------------------------------- partial scope
    Cue("partial scope", "part of the estate",
        r"\b(?:some|a few|several|most|half)\s+(?:of\s+(?:the|our)\s+)?(?:teams|apps|applications|systems|models|repos|"
        r"repositories|vendors|units|sites|departments|products|pipelines|workloads|staff|people)\b"
        r"|\bnot (?:all|every|everywhere|always|consistently)\b|\b(?:partly|partially|mostly)\b",
        "Some teams use the gateway, the others call the provider directly.",
        "All teams use the gateway."),
    Cue("partial scope", "only part",
        r"\bonly\s+(?:for|in|on|covers?|applies to|within)\s+(?:the|one|two|a|our|some|new|internal|production)\b",
        "The scan only covers the production repositories.",
        "The scan covers every repository."),
    Cue("partial scope", "except a part",
        r"\b(?:except|apart from|other than|but not)\b",
        "Logs are kept for every app except the HR bot.",
        "Logs are kept for every app."),
    Cue("partial scope", "restriction is a control",
        r"\bonly\s+(?:\w+\s+){0,3}(?:can|may|have|has|are allowed)\b|\b(?:limited|restricted|scoped|locked down) to\b"
        r"|\b(?:the only|nothing else|nobody else|no one else)\b"
        r"|\b(?:blocked|denied|disabled|off)\b[^.;]{0,60}\b(?:except|apart from|other than)\b",
        "Only two administrators can change the policy.",
        "The policy only covers the finance team.",
        clears=True),
    # ---------------------------------------------------------------- one-off vs recurring
    Cue("one-off vs recurring", "one-off",
        r"\bone[- ]off\b|\bonce,?\s+(?:last|in)\b|\ba single (?:review|test|exercise|assessment|audit)\b",
        "We ran a red-team exercise once, last spring.",
        "We run a red-team exercise every spring."),
    Cue("one-off vs recurring", "recurring",
        r"\b(?:every|each)\s+(?:day|week|month|quarter|year|release|deployment|change|sprint)\b"
        r"|\b(?:daily|weekly|monthly|quarterly|annually|yearly|nightly|continuously|recurring|regularly)\b",
        "The access review runs every quarter.",
        "The access review ran in March.",
        clears=True),
    # ---------------------------------------------------------------- hedges
    Cue("hedges", "doubt",
        r"\b(?:i think|i believe|probably|i guess|maybe|perhaps|as far as i know|afaik|i assume|i suppose|should be)\b",
        "I think the logs go to the SIEM.",
        "The logs go to the SIEM."),
    Cue("hedges", "does not know",
        r"\b(?:not (?:sure|certain)|(?:don't|do not) know|no idea|can't say|cannot say|"
        r"i'?d (?:have|need) to check|i would (?:have|need) to check|ask (?:someone|the))\b",
        "I'm not sure who owns it, I'd have to check.",
        "The deputy CISO owns that register."),
    # ---------------------------------------------------------------- corrections
    Cue("corrections", "correction",
        r"\b(?:actually|correction|(?:to|let me|i need to|i should) (?:correct|clarify)|i was wrong|i misspoke|"
        r"scratch that|in fact|to be precise|more accurately|i overstated|(?:that's|that is|not) (?:not )?quite right|"
        r"that's not right|(?:what|as) i said (?:earlier|before)|earlier i said|contrary to what|update on)\b",
        "Actually, the review covers only the public apps.",
        "The review covers the public apps."),
    # ---------------------------------------------------------------- general-IT look-alikes
    Cue("general-IT look-alikes", "the general process",
        r"\b(?:our|the)\s+(?:normal|usual|standard|general|existing|generic|company-wide)\s+(?:[\w-]+\s+){0,2}"
        r"(?:process|plan|procedure|policy|playbook|runbook|template|review|form|questionnaire)\b"
        r"|\b(?:same|like)\s+(?:as\s+)?(?:for\s+)?(?:any|every|all)\s+other\b"
        r"|\bsame (?:[\w-]+ ){0,2}(?:as|we use for) (?:a|an|any|every|everything|all|other)\b",
        "It goes through our normal change process.",
        "It goes through the AI change process."),
    Cue("general-IT look-alikes", "names no AI part",
        r"\bnothing\s+(?:ai|AI)[- ]specific\b|\bnot\s+(?:ai|AI)[- ]specific\b|\b(?:doesn't|does not|don't|do not)\s+"
        r"mention\s+(?:ai|AI|models?)\b",
        "The plan doesn't mention AI at all.",
        "The plan has an AI section."),
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
    return [c for c in cues(family) if c.regex.search(sentence)]


def alternatives() -> int:
    """The table's size in the unit issue 11 counts (regex alternatives)."""
    return sum(c.alternatives for c in CUES)
