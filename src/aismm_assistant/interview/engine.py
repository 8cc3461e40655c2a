"""The interview state machine (our own; docs/architecture.md records why not LangGraph).

Nothing lives only in memory: every answer is stored with `Store.append_turn` before it is analysed,
and the state (proposal, next question) is recomputed from the stored turns on every call, so a
process killed mid-interview resumes with every answer. The only extra state kept is the list of
skipped objectives and a pending "go back" question. Proposals go to the record as proposed, never
confirmed.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from aismm_assistant.errors import ValidationError
from aismm_assistant.interview.analyser import Analyser, OfflineAnalyser, get_analyser
from aismm_assistant.interview.proposals import CategoryProposal, TurnInput
from aismm_assistant.interview.questions import PolicyDecision, Question, next_question

if TYPE_CHECKING:
    from aismm_assistant.storage import InterviewRow, Store

MAX_ANSWER_CHARS = 20_000


def _context(store: Store, interview_id: str) -> tuple[Any, Any, Any, list[str] | None, list[Any]]:
    from aismm_assistant.corpus import get_category, load_corpus

    row = store.get_interview(interview_id)
    record = store.get_assessment(row.assessment_id)
    category = get_category(row.category, load_corpus())
    return row, record, category, record.scope.deployment_scope(), store.list_turns(interview_id)


def _inputs(turns: list[Any]) -> list[TurnInput]:
    return [TurnInput(answer=t.answer, question=t.question, respondent=t.respondent,
                      question_controls=tuple(t.question_controls)) for t in turns]


_CACHE: OrderedDict[tuple, CategoryProposal] = OrderedDict()
_CACHE_SIZE = 64
_OFFLINE = OfflineAnalyser()


def _analyse(category: Any, inputs: list[TurnInput], scope: list[str] | None,
             analyser: Analyser | None = None) -> CategoryProposal:
    """Analyse every stored turn with `analyser` (default: the offline engine, which drives the questions).

    The result depends only on the turns, the scope, the corpus and the analyser's provenance, so it is memoised
    per process (a pure cache: any worker recomputes the same proposal from the database; the offline engine also
    memoises each turn's reading, so one more answer costs one turn). An LLM is asked once per transcript.
    """
    analyser = analyser or _OFFLINE
    key = (analyser.provenance.key(), category.id, tuple(c.model_dump_json() for c in category.controls),
           tuple(scope or ()), tuple((t.answer, t.question, t.respondent, tuple(t.question_controls)) for t in inputs))
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return copy.deepcopy(hit)
    result = analyser.assess(category, inputs, scope)
    _CACHE[key] = copy.deepcopy(result)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


def _decide(row: Any, category: Any, scope: list[str] | None, inputs: list[TurnInput],
            proposal: CategoryProposal) -> PolicyDecision:
    state = row.state or {}
    if row.status == "done":
        return PolicyDecision(None, "interview finished")
    redo = state.get("redo")
    if redo:
        return PolicyDecision(Question(redo["text"], list(redo["controls"]), redo["level"], redo.get("kind", "primary")))
    return next_question(category, scope, inputs, proposal, skipped=state.get("skipped", []))


def _view(row: Any, category: Any, scope: list[str] | None, turns: list[Any], analyser: Analyser | None = None) -> dict:
    """The question flow always follows the deterministic offline analysis; an LLM only judges."""
    inputs = _inputs(turns)
    offline = _analyse(category, inputs, scope)
    decision = _decide(row, category, scope, inputs, offline)
    judged = analyser is not None and not analyser.provenance.offline
    proposal = _analyse(category, inputs, scope, analyser) if judged else offline
    return {
        "id": row.id,
        "assessment_id": row.assessment_id,
        "category": row.category,
        "status": row.status,
        "turns": [{"turn": t.seq, "respondent": t.respondent, "question": t.question,
                   "question_controls": list(t.question_controls), "answer": t.answer} for t in turns],
        "proposal": proposal.as_dict(),
        "question": decision.question.as_dict() if decision.question else None,
        "stop_reason": decision.reason,
        "_proposal": proposal,
    }


def _public(view: dict) -> dict:
    return {k: v for k, v in view.items() if not k.startswith("_")}


def start_interview(store: Store, assessment_id: str, category: str, respondent: str | None = None,
                    respondent_id: str | None = None) -> dict:
    """Open an interview on one category of an assessment and return its first question."""
    row = store.create_interview(assessment_id, category, respondent, respondent_id)
    _, _, cat, scope, turns = _context(store, row.id)
    view = _view(row, cat, scope, turns)
    store.save_interview_state(row.id, {"skipped": [], "redo": None})
    return {"id": row.id, "question": view["question"], "category": row.category}


def get_interview_view(store: Store, interview_id: str, llm: str | None = None) -> dict:
    """Turns, the current proposal and the next question, recomputed from the stored turns.

    `llm` chooses the analyser ('offline', a chat model; None: the AISMM_LLM setting), see `get_analyser`.
    """
    analyser = get_analyser(llm)
    row, _, cat, scope, turns = _context(store, interview_id)
    return _public(_view(row, cat, scope, turns, analyser))


def submit_answer(store: Store, interview_id: str, answer: str, respondent: str | None = None,
                  llm: str | None = None) -> dict:
    """Store the answer (first), analyse every turn, write proposals, and return the next question."""
    if not isinstance(answer, str) or not answer.strip():
        raise ValidationError("an answer must be non-empty text")
    if len(answer) > MAX_ANSWER_CHARS:
        raise ValidationError(f"an answer may be at most {MAX_ANSWER_CHARS} characters")
    analyser = get_analyser(llm)  # fails early on a bad --llm, before anything is stored
    row, _, cat, scope, _ = _context(store, interview_id)
    if row.status == "done":
        raise ValidationError(f"interview {interview_id} is finished; start a new one to add answers")

    def pending(locked: Any, stored: list[Any]) -> tuple[str | None, list[str]]:
        """The question this answer answers: decided under the interview's lock, from the turns before it."""
        inputs = _inputs(stored)
        question = _decide(locked, cat, scope, inputs, _analyse(cat, inputs, scope)).question
        return (question.text, list(question.controls)) if question else (None, [])

    store.append_turn(interview_id, respondent=respondent or row.respondent, answer=answer, question_for=pending,
                      clear_redo=True)
    row = store.get_interview(interview_id)
    view = _view(row, cat, scope, store.list_turns(interview_id), analyser)
    _propose(store, row, view["_proposal"], analyser)
    return {"question": view["question"], "proposal": view["proposal"], "stop_reason": view["stop_reason"]}


def skip_question(store: Store, interview_id: str) -> dict:
    """Skip the objectives of the current question (they stay unknown) and move on."""
    row, _, cat, scope, turns = _context(store, interview_id)
    current = _view(row, cat, scope, turns)["question"]
    state = dict(row.state or {})
    if current:
        state["skipped"] = sorted(set(state.get("skipped", [])) | set(current["controls"]))
    state["redo"] = None
    store.save_interview_state(interview_id, state)
    return get_interview_view(store, interview_id)


def go_back(store: Store, interview_id: str) -> dict:
    """Ask the previous question again; the new answer overrides the earlier one."""
    row, _, _, _, turns = _context(store, interview_id)
    asked = [t for t in turns if t.question]
    if not asked:
        raise ValidationError("there is no earlier question to go back to")
    last = asked[-1]
    state = dict(row.state or {})
    state["redo"] = {"text": last.question, "controls": list(last.question_controls), "level": _level_of(last),
                     "kind": "repeat"}
    state["skipped"] = [c for c in state.get("skipped", []) if c not in last.question_controls]
    store.save_interview_state(interview_id, state)
    return get_interview_view(store, interview_id)


def finish_interview(store: Store, interview_id: str) -> dict:
    row = store.get_interview(interview_id)
    store.save_interview_state(interview_id, dict(row.state or {}), status="done")
    return get_interview_view(store, interview_id)


def _level_of(turn: Any) -> int:
    ids = list(turn.question_controls)
    return int(ids[0].split("-")[1].split(".")[0]) if ids else 2


def _propose(store: Store, row: InterviewRow, proposal: CategoryProposal, analyser: Analyser) -> None:
    """Write the proposals (with their evidence) into the assessment record as pending, never confirmed.

    The provenance is the analyser's: the engine that produced `proposal` and the prompt files it used.
    """
    from aismm_assistant.assessment.record import Citation, LevelProposal, Proposal

    engine = analyser.provenance.engine
    prompts = dict(analyser.provenance.prompts)
    flags = [f"injection ({f.reason}) in turn {f.turn}: {f.quote[:80]}" for f in proposal.flags]
    items = []
    for cid, p in proposal.controls.items():
        if p.status == "not_applicable" or (p.status == "unknown" and not p.citations):
            continue
        items.append(Proposal(control_id=cid, status=p.status, confidence=round(p.confidence, 3),
                              citations=[Citation(turn=c["turn"], quote=c["quote"], interview_id=row.id)
                                         for c in p.citations],
                              flags=flags, engine=engine, prompts=prompts, interview_id=row.id,
                              rationale="; ".join(p.reasons) or None))
    confs = [p.confidence for p in proposal.controls.values() if p.status == "met"]
    level = LevelProposal(category=row.category, level=proposal.level,
                          confidence=round(min(confs), 3) if confs else 0.5, engine=engine, prompts=prompts,
                          interview_id=row.id, flags=flags,
                          rationale=f"scoring rule over proposed statuses; blocking: {', '.join(proposal.blocking)}")
    store.propose_results(row.assessment_id, items, level_proposal=level)
