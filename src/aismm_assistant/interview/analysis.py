"""Offline answer analysis: deterministic, no LLM, no model download.

Every answer is screened, split into sentences, and each sentence is matched lexically (IDF-weighted
stem overlap, key-term phrases, and the question it answers) against the KPI guidance of the
category's objectives. Sentences attached to an objective vote a status from their commitment signals
(signals.py); the latest decisive turn wins; weak evidence abstains. See docs/interview.md.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from aismm_assistant.assessment.scoring import score_category
from aismm_assistant.criteria import Criterion, criteria_for
from aismm_assistant.interview.citations import verify_citations
from aismm_assistant.interview.figures import decisive_comparison, figure_status
from aismm_assistant.interview.learned import ABSTAINED_REASON, CRITERIA_FEATURES
from aismm_assistant.interview.proposals import CategoryProposal, ControlProposal, Evidence, TurnInput
from aismm_assistant.interview.screening import Flag, screen_answer
from aismm_assistant.interview.signals import (
    Signals,
    Thresholds,
    detect,
    negative_exemplars,
    objective_thresholds,
    says_something,
    shortfall,
)
from aismm_assistant.interview.text import content_stems, expand_contractions
from aismm_assistant.model import Category, Control

# Tunables (measured on evals/golden, never on holdout; docs/interview.md explains each).
FIELD_WEIGHTS = {"key_terms": 3.0, "name": 3.0, "question": 2.0, "objective": 2.0, "follow_up": 1.5,
                 "evidence": 1.5, "rationale": 1.0, "description": 0.8}
MIN_MATCH = 6.0          # absolute evidence needed before a sentence counts for an objective
RELATIVE_CUTOFF = 0.3    # a sentence may serve several objectives scoring within this share of the best
QUESTION_WEIGHT = 0.6    # how much the question being answered steers attribution
CARRY_WEIGHT = 0.3       # a sentence inherits some of the previous sentence's topic
OVERRIDE_SHARE = 0.6     # a later turn overrides an earlier verdict when at least this strongly matched
CORRECTION_SHARE = 0.3   # ... or at least this strongly when it says it corrects an earlier answer
STRONG_MATCH = 20.0      # a match this strong gets full match confidence
MET_SHARE = 0.6          # share of a turn's decisive evidence that must say "in place" for met
NOT_MET_SHARE = 0.7      # share that must say "absent/planned" for not_met; anything between is partial
OWN_MATCH = 2.0          # a later sentence must share this much with an objective itself unless it refers back
ABSTAIN_BELOW = 0.5      # confidence under which a proposal becomes unknown
OWN_DISTINCT = 4.0       # a sentence serves a second objective only with this much evidence the best one lacks
CLEAR_TOPIC = 12.0       # a sentence this clearly about one objective does not count for another by the question alone
EXEMPLAR_WORDS = 2
EXEMPLAR_MIN = 2.0       # IDF-weighted overlap with a "does not meet" example of the objective before it can decide
CORE_RATIO = 0.4        # ... when the met sentences match the objective at most this share as strongly (context)
CORE_ABSENCE_OVERRIDES = ("partial",)
QUALIFY_IN_TURN = True  # the same within one answer
QUALIFY = True           # a later partial-scope or negated statement about the objective itself lowers an earlier met
QUALIFY_RAW = 8.0        # ... when it matches the objective itself (raw) at least this much
# a sentence matching several objectives keeps those whose criteria it is about (attribution.py): off by default, the
# leave-organisations-out CV did not support it (docs/interview.md, "Attribution by criteria embeddings")
ATTRIBUTION = os.environ.get("AISMM_ATTRIBUTION", "lexical").lower() == "embeddings"
MECHANISM_GUARD = True  # a second Automated/enforcement objective needs the sentence to name a mechanism
QUESTION_MIX = 0.3       # weight of the question's embedding beside the sentence's
CONTRAST = True          # "A, not B" is absence for an objective about B
# An objective a question asked about directly, whose answers evidence none of it (nothing credited to it, or only a
# faint mention the rules abstained on), is proposed not met with low confidence: what an assessor records when the
# control owner, asked, offers nothing for it. Low confidence keeps the follow-up (questions.needs_follow_up); a
# vague, hedged or "I don't know" answer stays unknown, and so does an objective nobody asked about (phase 9, docs).
UNANSWERED = True
UNANSWERED_CONFIDENCE = 0.3
UNANSWERED_REASON = "asked directly, and no answer evidences it"
FORBIDDEN_ABSENT = True  # a negation of what the objective forbids is the control ("prompts are not retained")
FIGURES = True           # stated figures are compared with the criteria's measures (figures.py), not signals.shortfall  # mixed verdicts a core absence statement turns into not_met


_ANAPHORA = re.compile(r"^\W*(?:it|its|it's|that|that's|this|they|they're|those|these|both|each|all|the rest|"
                       r"neither|none|either|which|so|but|and|though|still|also|plus)\b", re.I)
_BARE_REPLY = re.compile(r"^\W*(?:no|yes|yeah|yep|nope|correct|right)\W*$", re.I)
# "Not yet." / "No, not yet." opening an answer says the asked objective is absent, whatever follows.
_NOT_YET = re.compile(r"^\W*(?:no,?\s+)?(?:not yet|not really)\W*$", re.I)


# ---------------------------------------------------------------- objective profiles


@dataclass
class _Profile:
    control: Control
    weights: dict[str, float]
    phrases: list[tuple[str, ...]]
    thresholds: Thresholds
    core: frozenset[str] = frozenset()          # stems of what the objective asks for (name, objective, key terms)
    exemplars: list[frozenset[str]] = field(default_factory=list)  # what its description says does not count
    criteria: tuple[Criterion, ...] = ()        # the objective's criteria (criteria.py), with their measures
    forbidden: frozenset[str] = frozenset()     # stems of what the objective says must not happen


# What an objective forbids: the words a prohibition governs in its text ("settings that stop prompts and code from
# being retained or used for training", "no standing administrator access", "secrets are never written to logs").
_PROHIBITION = re.compile(r"\b(?:stops?|prevents?|blocks?|prohibits?|forbids?|disables?|excludes?|never|cannot|"
                          r"no|not|without)\s+((?:[\w-]+\s+){0,11}[\w-]+)", re.I)
# The negated word of an answer sentence (contractions written out): "prompts are not retained", "never leaves".
_NEGATED_WORD = re.compile(r"\b(?:not|never|no|nobody|nothing)\s+(?:(?:be|been|being|get|gets|got|ever|any|a|an)\s+)?"
                           r"([a-z][\w-]+)", re.I)
_STOPPER = re.compile(r"\b(?:stop\w*|prevent\w*|block\w*|prohibit\w*|forbid\w*|disabl\w*|exclud\w*|enforc\w*)\b", re.I)


def forbidden_stems(objective: str) -> frozenset[str]:
    """Stems of what the objective says must not happen (the clause after a prohibition in its text)."""
    return frozenset(st for m in _PROHIBITION.finditer(objective or "") for st in content_stems(m.group(1)))


def states_forbidden_absent(forbidden: frozenset[str], sentence: str, stems: Iterable[str]) -> bool:
    """Does a negated sentence say that what the objective forbids does not happen?

    "At the org level prompts aren't retained or used for training" against an objective asking for settings that
    stop prompts being retained or used for training: the negation is the control, not its absence. The negated
    word itself must be one the prohibition governs ("not retained"), at least one more word of that clause must be
    shared, and the sentence must not deny the stopping itself ("we don't block uploads" stays absence).
    """
    if not forbidden:
        return False
    text = expand_contractions(sentence)
    if _STOPPER.search(text):
        return False
    negated = {st for m in _NEGATED_WORD.finditer(text) for st in content_stems(m.group(1))}
    return bool(negated & forbidden) and len(set(stems) & forbidden) >= 2


# "A, not B": the sentence covers A and says B is not covered. For an objective about B it is absence.
_NOT_CONTRAST = re.compile(r"(?:,|;|\s-)\s*(?:but\s+|and\s+)?not\s+(?P<tail>[^,;.()]+)", re.I)


def contrast_excludes(core: frozenset[str], idf: Mapping[str, float], sentence: str) -> bool:
    """Is the part the sentence says is *not* covered ("…, not the tool calls") more the objective's than the rest?"""
    m = _NOT_CONTRAST.search(sentence)
    if not m:
        return False
    tail = set(content_stems(m.group("tail"))) & core
    head = set(content_stems(sentence[: m.start()] + " " + sentence[m.end():])) & core
    return sum(idf.get(x, 0.0) for x in tail) > max(sum(idf.get(x, 0.0) for x in head), 0.0) and bool(tail)


class ObjectiveMatcher:
    """IDF-weighted lexical matcher over one category's objectives (about ten documents)."""

    def __init__(self, controls: Iterable[Control]) -> None:
        self.profiles: dict[str, _Profile] = {}
        for c in controls:
            fields = {"name": c.name, "objective": c.objective, "rationale": c.rationale,
                      "description": c.description, "evidence": " ".join(c.evidence),
                      "question": c.question or "", "follow_up": c.follow_up or "",
                      "key_terms": " ".join(c.key_terms)}
            weights: dict[str, float] = {}
            for fname, text in fields.items():
                for s in content_stems(text):
                    weights[s] = max(weights.get(s, 0.0), FIELD_WEIGHTS[fname])
            phrases = [tuple(content_stems(t)) for t in c.key_terms]
            core = frozenset(content_stems(" ".join([c.name, c.objective, *c.key_terms])))
            self.profiles[c.id] = _Profile(c, weights, [p for p in phrases if p], objective_thresholds(
                c.objective, c.assessment_mode == "Automated"), core, negative_exemplars(c.description),
                tuple(criteria_for(c)), forbidden_stems(c.objective))
        n = max(len(self.profiles), 1)
        df = Counter(s for p in self.profiles.values() for s in p.weights)
        self.idf = {s: math.log((n + 1) / (d + 0.5)) for s, d in df.items()}

    def score(self, text: str) -> dict[str, float]:
        return self.score_detail(text)[0]

    def score_detail(self, text: str, stems: list[str] | None = None) -> tuple[dict[str, float], dict[str, float]]:
        """Match scores per objective, and for each the part earned by terms its best-matching rival lacks.

        The second figure is what makes a sentence evidence for an objective that is not its main topic: words
        the whole category shares ("AI", "policy", "model") or that weigh as much for the main topic do not count.
        """
        stems = content_stems(text) if stems is None else stems
        uniq = set(stems)
        out: dict[str, float] = {}
        hits: dict[str, dict[str, float]] = {}
        for cid, p in self.profiles.items():
            contrib = {s: p.weights[s] * self.idf[s] for s in uniq if s in p.weights}
            for phrase in p.phrases:
                if len(phrase) > 1 and uniq.issuperset(phrase) and _contains(stems, phrase):
                    contrib[" ".join(phrase)] = 1.5 * sum(self.idf.get(s, 0.0) for s in phrase)
            hits[cid] = contrib
            out[cid] = sum(contrib.values())
        best = max(out, key=lambda c: out[c], default=None)
        own: dict[str, float] = {}
        for cid, contrib in hits.items():
            if cid == best or best is None:
                own[cid] = out[cid]
            else:
                rival = hits[best]
                own[cid] = sum(max(0.0, v - rival.get(k, 0.0)) for k, v in contrib.items())
        return out, own


    def resembles_shortfall(self, cid: str, text: str, stems: list[str] | None = None) -> bool:
        """Does the sentence describe what the objective's description says does not meet it, more than the objective?

        "People share articles in a Teams channel now and then" against "A Slack channel where people share
        interesting articles, with no record of decisions, does not meet the objective": at least two shared
        topical words and more IDF weight shared with the counter-example than with the objective itself.
        """
        p = self.profiles[cid]
        if not p.exemplars:
            return False
        stems = set(content_stems(text) if stems is None else stems)
        pos = sum(self.idf.get(s, 0.0) for s in stems & p.core)
        for ex in p.exemplars:
            shared = stems & ex
            distinct = shared - p.core  # what makes it a counter-example, not words it shares with the objective
            neg = sum(self.idf.get(s, 0.0) for s in distinct)
            if len(shared) >= 2 and len(distinct) >= EXEMPLAR_WORDS and neg >= EXEMPLAR_MIN and neg > pos:
                return True
        return False


def _contains(seq: list[str], phrase: tuple[str, ...]) -> bool:
    k = len(phrase)
    return any(tuple(seq[i : i + k]) == phrase for i in range(len(seq) - k + 1))


_MATCHERS: dict[tuple, ObjectiveMatcher] = {}


def _matcher_and_key(category: Category) -> tuple[ObjectiveMatcher, tuple]:
    key = (category.id, hash(tuple(c.model_dump_json() for c in category.controls)))
    if key not in _MATCHERS:
        if len(_MATCHERS) > 64:
            _MATCHERS.clear()
        _MATCHERS[key] = ObjectiveMatcher(category.controls)
    return _MATCHERS[key], key


def matcher_for(category: Category) -> ObjectiveMatcher:
    """The category's matcher, built once per distinct content of its objectives."""
    return _matcher_and_key(category)[0]


# ---------------------------------------------------------------- per-sentence verdicts


def sentence_status(sig: Signals, th: Thresholds, *, figures: bool = False) -> tuple[str, str]:
    """Status voted by one sentence and the reason, from its signals and the objective's numbers.

    With `figures` the stated numbers are left to `figures.figure_status`, which compares them with the
    objective's criteria (criteria.py) and names both in the note.
    """
    if sig.unsure:
        return "unknown", "respondent unsure"
    if sig.negated and sig.partial and not sig.planned:
        return "partial", "in place for part of the scope only"
    if sig.negated:
        return "not_met", "answer says it is absent"
    if sig.generic:
        return "not_met", "a general IT control, not specific to AI"
    if sig.pilot:
        return "not_met", "only piloted or trialled"
    if sig.planned:
        if sig.partial and sig.present:
            return "partial", "in place for part of the scope, the rest planned"
        return "not_met", "planned or in progress, not in place"
    if sig.manual and th.automated:
        if sig.automatic:
            return "partial", "partly automated, the rest done by hand"
        return "not_met", "done by hand; the objective asks for automation"
    short = None if figures else shortfall(sig, th)
    if short:
        return "partial", short
    if sig.partial:
        return "partial", "in place for part of the scope"
    if sig.vague:
        return "unknown", "too vague to count as evidence"
    if sig.hedged:
        return "unknown", "hedged ('I think', 'I believe'): not evidence that it is in place"
    return "met", "stated as in place"


def _confidence(status: str, score: float, sig: Signals) -> float:
    match = min(score / STRONG_MATCH, 1.0)
    if status == "met":
        conf = 0.1 + 0.6 * match + 0.06 * min(sig.specifics, 3)
    elif status == "unknown":
        conf = 0.3
    else:
        conf = 0.45 + 0.35 * match + 0.05 * min(sig.specifics, 2)
    if sig.hedged:
        conf -= 0.15
    return max(0.05, min(conf, 0.97))


# ---------------------------------------------------------------- the analysis


def analyse(
    category: Category,
    turns: Sequence[TurnInput],
    scope: Iterable[str] | None = None,
    *,
    status_model: bool = True,
) -> CategoryProposal:
    """Propose a status per objective and a level for one category from its interview turns.

    The rules (steps 1-6 of docs/interview.md) decide first; the learned status model (`learned.py`) may then
    re-label an objective the rules decided (met / partial / not_met) under the same guards: `status_model=False`
    gives the rules alone.
    """
    return analyse_full(category, turns, scope, status_model=status_model).proposal


def analyse_detail(
    category: Category,
    turns: Sequence[TurnInput],
    scope: Iterable[str] | None = None,
    *,
    status_model: bool = True,
) -> tuple[CategoryProposal, dict[str, list[float]]]:
    """The proposal and, per applicable objective, the features the learned status model reads."""
    detail = analyse_full(category, turns, scope, status_model=status_model)
    return detail.proposal, detail.features


@dataclass(frozen=True)
class TurnAnalysis:
    """What one answer says, read on its own: screened flags and the evidence sentences per objective.

    It depends only on the turn (its number, question and answer), the category's objectives and the scope, so
    it is computed once per turn and reused: one more answer costs one turn's reading plus the aggregation.
    """

    flags: tuple[Flag, ...]
    evidence: Mapping[str, tuple[Evidence, ...]]
    asked: frozenset[str]


@dataclass
class AnalysisDetail:
    """The proposal with what it was computed from (the training data of the learned status model)."""

    proposal: CategoryProposal
    features: dict[str, list[float]]
    evidence: dict[str, list[Evidence]]
    rules: dict[str, ControlProposal]
    asked: set[str]
    # asked in a turn whose answer says something in words (not only markup or code): what `unanswered` reads
    answered: set[str] = field(default_factory=set)


TURN_CACHE_SIZE = 2048
_TURNS: OrderedDict[tuple, TurnAnalysis] = OrderedDict()


def clear_turn_cache() -> None:
    """Forget every memoised turn reading (benchmarks measure the cold cost with it)."""
    _TURNS.clear()


def analyse_turn(category: Category, t_index: int, turn: TurnInput, app_ids: frozenset[str]) -> TurnAnalysis:
    """Read one answer (memoised per process: a pure function of its inputs)."""
    matcher, mkey = _matcher_and_key(category)
    key = (mkey, app_ids, t_index, turn.answer, turn.question, tuple(turn.question_controls))
    hit = _TURNS.get(key)
    if hit is not None:
        _TURNS.move_to_end(key)
        return hit
    result = _read_turn(matcher, t_index, turn, app_ids, mkey)
    _TURNS[key] = result
    while len(_TURNS) > TURN_CACHE_SIZE:
        _TURNS.popitem(last=False)
    return result


def _read_turn(matcher: ObjectiveMatcher, t_index: int, turn: TurnInput, app_ids: frozenset[str],
               mkey: tuple = ()) -> TurnAnalysis:
    evidence: dict[str, list[Evidence]] = {}
    qvec: list = []  # the question's embedding, computed when a sentence first needs it
    clean, flags = screen_answer(turn.answer or "", t_index)
    qscores = _question_prior(matcher, turn)
    carry: dict[str, float] = {}
    for s_index, span in enumerate(clean):
        if s_index == 0 and _NOT_YET.match(span.text) and qscores:
            top = max(qscores.values())
            for cid, q in qscores.items():
                if cid in app_ids and q >= top and QUESTION_WEIGHT * q >= MIN_MATCH:
                    sig = detect(span.text)
                    evidence.setdefault(cid, []).append(Evidence(
                        t_index, span.text, QUESTION_WEIGHT * q, 0.0, "not_met", sig,
                        "answered 'not yet' to the question about it"))
            continue
        if s_index < len(clean) - 1 and _BARE_REPLY.match(span.text):
            continue  # a bare "No." / "Yes." answers the question's framing; what follows is the evidence
        opening = s_index == 0 or (s_index == 1 and bool(_BARE_REPLY.match(clean[0].text)))
        stems = content_stems(span.text)
        raw, own = matcher.score_detail(span.text, stems)
        total = {cid: raw[cid] + QUESTION_WEIGHT * qscores.get(cid, 0.0) + CARRY_WEIGHT * carry.get(cid, 0.0)
                 for cid in raw if cid in app_ids}
        if not total:
            continue
        best = max(total.values())
        if best < MIN_MATCH:
            carry = {}
            continue
        lead = max(total, key=lambda c: total[c])
        top_raw = max(raw[c] for c in total)
        chosen = [cid for cid, v in total.items() if v >= MIN_MATCH and v >= RELATIVE_CUTOFF * best
                  and (raw[cid] >= OWN_MATCH or opening or _ANAPHORA.match(span.text))
                  and (cid == lead or own[cid] >= OWN_DISTINCT)
                  and (raw[cid] >= OWN_MATCH or top_raw < CLEAR_TOPIC)]
        if len(chosen) > 1 and ATTRIBUTION:
            chosen = _by_criteria(matcher, mkey, span.text, turn.question, chosen, lead, qvec)
        sig = detect(span.text)
        if sig.off_topic:
            carry = {}
            continue
        for cid in chosen:
            prof = matcher.profiles[cid]
            status, note = sentence_status(sig, prof.thresholds, figures=FIGURES)
            comps: tuple[tuple[str, str, str, str], ...] = ()
            if FIGURES:
                status, note, comps = figure_status(span.text, prof.criteria, status, note)
                if not decisive_comparison(comps):  # no figure of the sentence measures a criterion of it
                    status, note = sentence_status(sig, prof.thresholds)
            if FORBIDDEN_ABSENT and status == "not_met" and sig.negated and states_forbidden_absent(
                    prof.forbidden, span.text, stems):
                status, note = sentence_status(replace(sig, negated=False), prof.thresholds)
                note = f"says what the objective forbids does not happen; {note}"
            if CONTRAST and status in ("met", "partial") and contrast_excludes(prof.core, matcher.idf, span.text):
                status, note = "not_met", "says the part the objective asks for is not covered"
            if status == "met" and matcher.resembles_shortfall(cid, span.text, stems):
                status, note = "not_met", "matches what the objective's description says does not meet it"
            evidence.setdefault(cid, []).append(Evidence(t_index, span.text, total[cid], raw[cid], status, sig, note,
                                                         comps, cid == lead and raw[cid] >= top_raw))
        carry = {cid: total[cid] for cid in chosen}
    return TurnAnalysis(tuple(flags), {cid: tuple(items) for cid, items in evidence.items()},
                        frozenset(qscores))


_ENFORCING = re.compile(r"\b(?:automat\w*|enforc\w*|blocks?|blocked|prevents?|rejects?|denies|gates?)\b", re.I)


def _needs_mechanism(p: _Profile) -> bool:
    """An Automated objective, or one whose criteria ask for enforcement ('blocks', 'enforced', 'automated')."""
    return p.control.assessment_mode == "Automated" or any(_ENFORCING.search(c.text) for c in p.criteria) or bool(
        _ENFORCING.search(p.control.name))


def _by_criteria(matcher: ObjectiveMatcher, mkey: tuple, sentence: str, question: str | None, chosen: list[str],
                 lead: str, qvec: list) -> list[str]:
    """Of the objectives a sentence matched lexically, keep those whose criteria it is about (attribution.py)."""
    from aismm_assistant.interview import attribution

    if not attribution.enabled():
        return chosen
    mats = attribution.criteria_vectors(mkey, _criteria_texts(matcher))
    vec = attribution.embed_sentences([sentence])[0]
    if question:
        if not qvec:
            qvec.append(attribution.embed_sentences([question])[0])
        vec = vec + QUESTION_MIX * qvec[0]
    sims = attribution.similarities(vec, mats, list(dict.fromkeys([*chosen, lead])))
    if lead not in chosen:
        lead = max(chosen, key=lambda c: sims[c])
    keep = []
    for cid in chosen:
        if cid == lead:
            keep.append(cid)
        elif sims[cid] >= sims[lead] - attribution.EMBED_DELTA and (
                not MECHANISM_GUARD or not _needs_mechanism(matcher.profiles[cid])
                or attribution.automation_or_enforcement(sentence)):
            keep.append(cid)
    return keep


def analyse_full(
    category: Category,
    turns: Sequence[TurnInput],
    scope: Iterable[str] | None = None,
    *,
    status_model: bool = True,
) -> AnalysisDetail:
    """Read each turn (memoised), then decide per objective over all of them, then apply the status model."""
    from aismm_assistant.interview import learned, reading

    scope_list = list(scope) if scope is not None else None
    matcher = matcher_for(category)
    applicable = [c for c in category.controls if c.applies_to(scope_list)]
    app_ids = frozenset(c.id for c in applicable)
    evidence: dict[str, list[Evidence]] = {c.id: [] for c in applicable}
    flags: list[Flag] = []
    asked: set[str] = set()
    answered: set[str] = set()
    for t_index, turn in enumerate(turns):
        read = analyse_turn(category, t_index, turn, app_ids)
        flags.extend(read.flags)
        asked.update(read.asked)
        if read.asked and says_something(turn.answer):
            answered.update(read.asked)
        for cid, items in read.evidence.items():
            evidence[cid].extend(items)
    rules = {c.id: _decide(c, evidence[c.id]) for c in applicable}
    # how each decided evidence sentence reads by meaning (reading.py; memoised per sentence, so one more answer
    # costs only its own sentences); None without the MiniLM encoder or the reader weights
    readings = reading.read_sentences(e.quote for c in applicable for e in reading.decided(evidence[c.id]))
    levels = {c.id: c.level for c in applicable}
    verdicts = {c.id: criteria_verdicts(matcher.profiles[c.id].criteria, evidence[c.id]) for c in applicable}
    coverage = _coverage(category, matcher, applicable, evidence, verdicts, readings is not None)
    features = {c.id: learned.features(c, evidence[c.id], rules[c.id], c.id in asked,
                                       matcher.profiles[c.id].thresholds, readings,
                                       learned.context(c, rules, levels), coverage[c.id]) for c in applicable}
    proposals = dict(rules)
    if status_model and readings is not None:
        revisions = learned.reanswered([t.question for t in turns])
        for c in applicable:
            proposals[c.id] = learned.relabel(c, evidence[c.id], rules[c.id], features[c.id], revisions=revisions)
            if proposals[c.id] is not rules[c.id]:
                line = reading.describe(evidence[c.id], readings)
                if line:
                    proposals[c.id].reasons.append(line)
    for c in applicable:
        proposals[c.id] = unanswered(proposals[c.id], c.id in answered)
        line = criteria_line(matcher.profiles[c.id].criteria, evidence[c.id], verdicts[c.id])
        if line:
            proposals[c.id].reasons.append(line)
    for c in category.controls:
        if c.id not in app_ids:
            proposals[c.id] = ControlProposal(c.id, "not_applicable", 1.0,
                                              reasons=["outside the assessment's deployment scope"])
    _verify(proposals, turns)
    return AnalysisDetail(finish(category, proposals, flags, scope_list), features, evidence, rules, asked, answered)


def _criteria_texts(matcher: ObjectiveMatcher) -> dict[str, list[str]]:
    """Each objective's criterion texts (its objective text when it has none), as the MiniLM vectors embed them."""
    return {cid: [c.text for c in p.criteria] or [p.control.objective] for cid, p in matcher.profiles.items()}


def _coverage(category: Category, matcher: ObjectiveMatcher, applicable: Sequence[Control],
              evidence: Mapping[str, list[Evidence]], verdicts: Mapping[str, list[tuple[str, str]]],
              encoded: bool) -> dict[str, list[float]]:
    """`criteria_coverage` of every applicable objective; by meaning only when the sentences were embedded."""
    mats, vectors = {}, None
    quotes = sorted({e.quote for c in applicable for e in evidence[c.id] if e.status in ("met", "partial", "not_met")})
    if encoded and quotes:
        from aismm_assistant.interview import attribution

        _m, mkey = _matcher_and_key(category)
        mats = attribution.criteria_vectors(mkey, _criteria_texts(matcher))
        vectors = dict(zip(quotes, attribution.embed_sentences(quotes), strict=True))
    return {c.id: criteria_coverage(matcher.profiles[c.id].criteria, evidence[c.id], mats.get(c.id), vectors,
                                    verdicts[c.id]) for c in applicable}


def _criterion_label(text: str, words: int = 6) -> str:
    parts = text.split()
    return " ".join(parts[:words]).rstrip(",;:") + (" …" if len(parts) > words else "")


@lru_cache(maxsize=4096)
def _terms_of(terms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(s for t in terms for s in content_stems(t))


@lru_cache(maxsize=65536)
def _quote_stems(quote: str) -> frozenset[str]:
    """Stems of an evidence sentence, memoised: the criteria line is rebuilt after every answer."""
    return frozenset(content_stems(quote))


def criteria_verdicts(criteria: Sequence[Criterion], items: Sequence[Evidence]) -> list[tuple[str, str]]:
    """Per criterion of the objective, what the answers said: ("stated", …), ("absent", …) for a sentence that says it
    is absent or planned, ("short", "85 % stated; the objective needs ≥ 90 % → falls short") for a figure short of its
    measure, or ("missing", "not stated").

    A criterion is stated when a sentence credited to the objective (not a plan, hedge or screened sentence) carries
    at least half of its distinguishing terms (two at most are needed) or a figure that meets its measure.
    """
    out = []
    for cr in criteria:
        terms = _terms_of(cr.distinguishing_terms)
        need = min(2, max(1, (len(terms) + 1) // 2))
        verdict = ("missing", "not stated")
        for e in items:
            comp = [(o, x) for cid, o, x, _k in e.comparisons if cid == cr.id and o in ("meets", "falls_short")]
            if comp and comp[0][0] == "falls_short":
                verdict = ("short", comp[0][1])
                break
            if e.status == "unknown":
                continue
            if comp or len(terms & _quote_stems(e.quote)) >= need:
                verdict = ("stated", "stated") if e.status in ("met", "partial") else (
                    "absent", "said to be absent or planned")
                if e.status == "met":
                    break
        out.append(verdict)
    return out


def criteria_line(criteria: Sequence[Criterion], items: Sequence[Evidence],
                  verdicts: Sequence[tuple[str, str]] | None = None) -> str:
    """Per criterion of the objective, what the answers said (`criteria_verdicts`): 'criteria: A named executive is
    accountable …: stated; At least 90% of staff have attested …: 85 % stated; the objective needs ≥ 90 % → falls
    short; …: not stated'."""
    if not criteria:
        return ""
    if verdicts is None:
        verdicts = criteria_verdicts(criteria, items)
    return "criteria: " + "; ".join(f"{_criterion_label(cr.text)}: {text}"
                                    for cr, (_kind, text) in zip(criteria, verdicts, strict=True))


def criteria_coverage(criteria: Sequence[Criterion], items: Sequence[Evidence], mats: Any = None,
                      vectors: Mapping[str, Any] | None = None,
                      verdicts: Sequence[tuple[str, str]] | None = None) -> list[float]:
    """How much of the objective's text its evidence covers, as the status model reads it (learned.CRITERIA_FEATURES):
    the shares of criteria stated, not stated, said absent and short of their measure, whether the first criterion
    (the objective's core) is stated, and by meaning the weakest and mean criterion's closest evidence sentence
    (cosine of MiniLM vectors; 0 without the encoder). A met answer evidences every part of the objective: evidence
    that names the topic but leaves criteria unsaid reads short of met."""
    if not criteria:
        return [0.0] * len(CRITERIA_FEATURES)
    kinds = [k for k, _t in (verdicts if verdicts is not None else criteria_verdicts(criteria, items))]
    n = len(kinds)
    f = [kinds.count(k) / n for k in ("stated", "missing", "absent", "short")] + [1.0 if kinds[0] == "stated" else 0.0]
    quotes = [e.quote for e in items if e.status in ("met", "partial", "not_met")]
    if mats is None or not vectors or not quotes:
        return f + [0.0, 0.0]
    import numpy as np

    sims = (mats @ np.stack([vectors[q] for q in quotes]).T).max(axis=1)
    return f + [float(sims.min()), float(sims.mean())]


def _question_prior(matcher: ObjectiveMatcher, turn: TurnInput) -> dict[str, float]:
    """Objectives the question asked about: named ones in a live interview, else matched from its text."""
    if turn.question_controls:
        return {cid: STRONG_MATCH for cid in turn.question_controls}
    if not turn.question:
        return {}
    q = matcher.score(turn.question)
    best = max(q.values(), default=0.0)
    if best <= 0:
        return {}
    return {cid: v for cid, v in q.items() if v >= 0.5 * best}


def _turn_verdict(items: list[Evidence]) -> tuple[str, float, list[Evidence], bool]:
    weight = Counter()
    for e in items:
        weight[e.status] += e.score
    score = max(e.score for e in items)
    correction = any(e.signals.correction for e in items)
    decisive = sum(v for k, v in weight.items() if k != "unknown")
    if not decisive:
        return "unknown", score, items, correction
    if weight["met"] >= MET_SHARE * decisive:
        status = "met"
    elif weight["not_met"] >= NOT_MET_SHARE * decisive:
        status = "not_met"
    else:
        status = "partial"
    if status in CORE_ABSENCE_OVERRIDES and weight["not_met"] and weight["met"]:
        # the sentence most about the objective itself says it is absent: the rest is context around it
        core_absent = max(e.raw for e in items if e.status == "not_met")
        if CORE_RATIO * core_absent >= max(e.raw for e in items if e.status == "met") and core_absent >= OWN_MATCH:
            status = "not_met"
    if status == "met" and QUALIFY_IN_TURN:
        later = _qualifications(items[next(i for i, e in enumerate(items) if e.status == "met") + 1 :])
        if later:
            return "partial", score, later + [e for e in items if e.status == "met"], correction
    support = [e for e in items if e.status == status] or [e for e in items if e.status != "unknown"]
    return status, score, support, correction


def _qualifications(items: list[Evidence]) -> list[Evidence]:
    """Later sentences that name a part of the scope as not covered ('except the two legacy apps', 'the EU tenant is
    not covered yet'), or a figure short of the bar, about the objective itself: they lower an earlier met."""
    return [e for e in items if e.status == "partial" and e.lead and e.raw >= QUALIFY_RAW
            and (e.signals.partial or "→ partial" in e.note)]


def unanswered(proposal: ControlProposal, asked: bool) -> ControlProposal:
    """Not met, with low confidence, for an objective asked about directly that no answer evidences (`UNANSWERED`)."""
    if not (UNANSWERED and asked and proposal.status == "unknown" and proposal.reasons):
        return proposal
    first = proposal.reasons[0]
    if first != "not discussed" and not first.startswith(ABSTAINED_REASON):
        return proposal
    return ControlProposal(proposal.control_id, "not_met", UNANSWERED_CONFIDENCE, reasons=[UNANSWERED_REASON],
                           evidence_request=list(proposal.evidence_request))


def _decide(control: Control, items: list[Evidence]) -> ControlProposal:
    request = list(control.evidence[:3]) or [f"Documents showing: {control.name}"]
    if not items:
        return ControlProposal(control.id, "unknown", 0.0, reasons=["not discussed"], evidence_request=request)
    by_turn: dict[int, list[Evidence]] = {}
    for e in items:
        by_turn.setdefault(e.turn, []).append(e)
    current: tuple[str, float, list[Evidence], bool] | None = None
    for turn in sorted(by_turn):
        verdict = _turn_verdict(by_turn[turn])
        if verdict[0] == "unknown" and current is not None:
            continue
        if current is not None and verdict[0] == current[0]:
            # the same verdict again: keep the stronger statement of it and its quotes
            if verdict[1] > current[1]:
                current = (current[0], verdict[1], verdict[2] + current[2], current[3] or verdict[3])
            else:
                current = (current[0], current[1], current[2] + verdict[2], current[3] or verdict[3])
            continue
        if QUALIFY and current is not None and current[0] == "met" and verdict[0] == "partial" \
                and _qualifications(verdict[2]):
            # a later qualification lowers the earlier claim, however strongly that was stated
            current = ("partial", current[1], _qualifications(verdict[2]) + current[2], current[3] or verdict[3])
            continue
        if (current is None or current[0] == "unknown" or verdict[1] >= OVERRIDE_SHARE * current[1]
                or (verdict[3] and verdict[1] >= CORRECTION_SHARE * current[1])):
            current = verdict
    assert current is not None
    status, score, support, _ = current
    best = max(support, key=lambda e: e.score)
    conf = _confidence(status, score, best.signals)
    reasons = list(dict.fromkeys(e.note for e in support if e.note))
    citations = [{"turn": e.turn, "quote": e.quote} for e in sorted(support, key=lambda e: (e.turn, -e.score))][:3]
    if status == "unknown" or conf < ABSTAIN_BELOW:
        why = reasons if status == "unknown" else [f"{ABSTAINED_REASON} {status}"] + reasons
        return ControlProposal(control.id, "unknown", conf, citations=citations, reasons=why, evidence_request=request)
    return ControlProposal(control.id, status, conf, citations=citations, reasons=reasons,
                           evidence_request=request if status != "met" else [])


def _verify(proposals: dict[str, ControlProposal], turns: Sequence[TurnInput]) -> None:
    """Downgrade any proposal whose quotes are not verbatim in the cited turn (never trust a quote)."""
    answers = [t.answer or "" for t in turns]
    for p in proposals.values():
        if p.citations and not verify_citations(p.citations, answers):
            p.rejected_citations += [c for c in p.citations if not verify_citations([c], answers)]
            p.status, p.citations = "unknown", [c for c in p.citations if verify_citations([c], answers)]
            p.reasons.append("a cited quote did not verify against the transcript")


def finish(category: Category, proposals: dict[str, ControlProposal], flags: list[Flag],
           scope: list[str] | None, engine: str = "offline") -> CategoryProposal:
    """Apply the scoring rule over the proposed statuses."""
    ordered = {c.id: proposals[c.id] for c in category.controls if c.id in proposals}
    sc = score_category(category, {cid: p.status for cid, p in ordered.items()}, scope)
    return CategoryProposal(category.id, sc.level, ordered, flags, sc.next_level, sc.next_level_progress,
                            sc.blocking, engine)
