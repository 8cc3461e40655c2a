"""The interview state machine (our own; docs/architecture.md records why not LangGraph).

Nothing lives only in memory: every answer is stored with `Store.append_turn` before it is analysed,
and the state (proposal, next question) is recomputed from the stored turns on every call, so a
process killed mid-interview resumes with every answer. The only extra state kept is the flow itself
(flow.py): skipped objectives, the history of answers and skips that "go back" walks, a pending
repeated question, the depth, the respondents and who finished it. Proposals go to the record as
proposed, never confirmed. What a respondent may see is cut from the staff view here (views.py), so
every surface gets the same rule.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from aismm_assistant.errors import ValidationError
from aismm_assistant.interview import flow
from aismm_assistant.interview.analyser import Analyser, OfflineAnalyser, get_analyser
from aismm_assistant.interview.proposals import CategoryProposal, TurnInput
from aismm_assistant.interview.questions import DEFAULT_DEPTH, PolicyDecision, Question, count, next_question
from aismm_assistant.interview.views import changes, for_audience, names_for, seen

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
            proposal: CategoryProposal, state: dict, for_respondent: str | None = None) -> PolicyDecision:
    policy = next_question(category, scope, inputs, proposal, skipped=state["skipped"], depth=state["depth"],
                           assigned=flow.assigned(state), for_respondent=for_respondent,
                           default_respondent=row.respondent)
    if row.status == "done":
        return PolicyDecision(None, _finished_reason(state, policy, len(inputs)), policy.stopped_at, policy.short,
                              policy.levels)
    redo = state.get("redo")
    if redo:
        question = Question(redo["text"], list(redo["controls"]), redo["level"], "repeat",
                            respondent=flow.assigned(state).get(redo["controls"][0]) if redo["controls"] else None)
        return PolicyDecision(question, "", policy.stopped_at, policy.short, policy.levels)
    return policy


def _finished_reason(state: dict, policy: PolicyDecision, answers: int) -> str:
    """'Finished by alice after 4 answers, with L3 questions still open; L2 has two gaps'."""
    who = state.get("finished_by") or "staff"
    head = f"Finished by {who} after {answers} answer{'' if answers == 1 else 's'}"
    if policy.question is None and not policy.waiting_for:
        return f"{head}. {policy.reason}"
    open_at = policy.question.level if policy.question else policy.levels[-1].level
    gaps = [f"L{lv.level} has {count(len(lv.gaps), 'gap')}" for lv in policy.levels if lv.gaps]
    return f"{head}, with L{open_at} questions still open" + (f"; {'; '.join(gaps)}" if gaps else "")


def _view(row: Any, category: Any, scope: list[str] | None, turns: list[Any], analyser: Analyser | None = None,
          respondent: str | None = None) -> dict:
    """The staff view. The question flow always follows the deterministic offline analysis; an LLM only judges."""
    state = flow.state_of(row, turns)
    inputs = _inputs(turns)
    offline = _analyse(category, inputs, scope)
    decision = _decide(row, category, scope, inputs, offline, state, flow.addressed(row, state, respondent))
    judged = analyser is not None and not analyser.provenance.offline
    proposal = _analyse(category, inputs, scope, analyser) if judged else offline
    try:
        flow.back_target(state, None)
        can_go_back = row.status != "done"
    except ValidationError:
        can_go_back = False
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
        "policy": {k: v for k, v in decision.as_dict().items() if k != "question"},
        "depth": state["depth"],
        "respondents": flow.respondents(row, state),
        "skipped": list(state["skipped"]),
        "can_go_back": can_go_back,
        "finished_by": state.get("finished_by"),
        "_proposal": proposal,
        "_state": state,
        "_names": names_for(category),
    }


def _out(view: dict, audience: str) -> dict:
    return for_audience(view, audience, view["_names"])


def start_interview(store: Store, assessment_id: str, category: str, respondent: str | None = None,
                    respondent_id: str | None = None, depth: int | None = None) -> dict:
    """Open an interview on one category of an assessment and return its first question.

    `depth`: how many levels above the first one that falls short are still asked (default 1)."""
    depth = flow.check_depth(DEFAULT_DEPTH if depth is None else depth)
    row = store.create_interview(assessment_id, category, respondent, respondent_id)
    store.save_interview_state(row.id, {"skipped": [], "redo": None, "history": [], "depth": depth,
                                        "respondents": []})
    row, _, cat, scope, turns = _context(store, row.id)
    view = _view(row, cat, scope, turns)
    return {"id": row.id, "question": view["question"], "category": row.category, "depth": depth}


def get_interview_view(store: Store, interview_id: str, llm: str | None = None, *, audience: str = "staff",
                       respondent: str | None = None) -> dict:
    """Turns, the current proposal and the next question, recomputed from the stored turns.

    `audience='respondent'` gives the respondent's cut (no statuses, confidence, levels or flags);
    `respondent` names whose questions to offer when the interview was handed to several people;
    `llm` chooses the analyser ('offline', a chat model; None: the AISMM_LLM setting), see `get_analyser`."""
    analyser = get_analyser(llm)
    row, _, cat, scope, turns = _context(store, interview_id)
    return _out(_view(row, cat, scope, turns, analyser, respondent), audience)


def _open(row: Any, interview_id: str) -> None:
    if row.status == "done":
        raise ValidationError(f"interview {interview_id} is finished; start a new one to add answers")


def submit_answer(store: Store, interview_id: str, answer: str, respondent: str | None = None,
                  llm: str | None = None, *, audience: str = "staff") -> dict:
    """Store the answer (first), analyse every turn, write proposals; return the view and what changed."""
    if not isinstance(answer, str) or not answer.strip():
        raise ValidationError("an answer must be non-empty text")
    if len(answer) > MAX_ANSWER_CHARS:
        raise ValidationError(f"an answer may be at most {MAX_ANSWER_CHARS} characters")
    analyser = get_analyser(llm)  # fails early on a bad --llm, before anything is stored
    row, _, cat, scope, turns = _context(store, interview_id)
    _open(row, interview_id)
    who = respondent or row.respondent
    before = dict(flow.state_of(row, turns).get("seen") or {})
    asked: dict[str, Any] = {}

    def pending_for(locked: Any, stored: list[Any]) -> tuple[str | None, list[str]]:
        """The question this answer answers: decided under the interview's lock, from the turns before it."""
        state = flow.state_of(locked, stored)
        inputs = _inputs(stored)
        question = _decide(locked, cat, scope, inputs, _analyse(cat, inputs, scope), state,
                           flow.addressed(locked, state, who)).question
        asked["question"] = question
        return (question.text, list(question.controls)) if question else (None, [])

    turn = store.append_turn(interview_id, respondent=who, answer=answer, question_for=pending_for, clear_redo=True)
    pending = asked.get("question")
    state = flow.state_of(store.get_interview(interview_id), store.list_turns(interview_id))
    state["redo"] = None
    state["history"].append({"kind": "answer", "turn": turn.seq, "text": pending.text if pending else None,
                             "controls": list(pending.controls) if pending else [],
                             "level": pending.level if pending else None})
    store.save_interview_state(interview_id, state)
    row = store.get_interview(interview_id)
    view = _view(row, cat, scope, store.list_turns(interview_id), analyser, who)
    _propose(store, row, view["_proposal"], analyser, store.list_turns(interview_id))
    view["changes"] = changes(before, view["proposal"], view["_names"])
    fresh = store.get_interview(interview_id)
    store.save_interview_state(interview_id, {**flow.state_of(fresh), "seen": seen(view["proposal"])})
    return _out(view, audience)


def skip_question(store: Store, interview_id: str, respondent: str | None = None, *, audience: str = "staff") -> dict:
    """Skip the objectives of the current question (they stay unknown) and move on."""
    row, _, cat, scope, turns = _context(store, interview_id)
    _open(row, interview_id)
    current = _view(row, cat, scope, turns, None, respondent)["question"]
    if not current:
        raise ValidationError("there is no question to skip")
    state = flow.state_of(row, turns)
    state["skipped"] = sorted(set(state["skipped"]) | set(current["controls"]))
    state["history"].append({"kind": "skip", "turn": None, "text": current["text"],
                             "controls": list(current["controls"]), "level": current["level"]})
    state["redo"] = None
    store.save_interview_state(interview_id, state)
    return get_interview_view(store, interview_id, audience=audience, respondent=respondent)


def go_back(store: Store, interview_id: str, turn: int | None = None, respondent: str | None = None, *,
            audience: str = "staff") -> dict:
    """Ask an earlier question again (the one before, or the question of answer `turn`); a skipped one too.

    The new answer is a new turn, so it overrides the earlier one; a skipped objective is open again."""
    row, _, _, _, turns = _context(store, interview_id)
    _open(row, interview_id)
    state = flow.state_of(row, turns)
    index = flow.back_target(state, turn)
    event = state["history"][index]
    state["redo"] = {"text": event["text"], "controls": list(event["controls"]),
                     "level": event.get("level") or flow.level_of(event["controls"]), "index": index}
    state["skipped"] = [c for c in state["skipped"] if c not in event["controls"]]
    store.save_interview_state(interview_id, state)
    return get_interview_view(store, interview_id, audience=audience, respondent=respondent)


def finish_interview(store: Store, interview_id: str, actor: str | None = None) -> dict:
    """Close an interview (staff): no more answers; its proposals stay for review. Finishing twice is harmless."""
    row, _, _, _, turns = _context(store, interview_id)
    if row.status != "done":
        state = flow.state_of(row, turns)
        state["redo"] = None
        state["finished_by"] = actor or "staff"
        store.save_interview_state(interview_id, state, status="done")
    return get_interview_view(store, interview_id)


def hand_over(store: Store, interview_id: str, name: str, role: str = "", controls: list[str] | None = None,
              levels: list[int] | None = None, user_id: str | None = None) -> dict:
    """Hand the questions of some objectives (IDs or whole levels) to another respondent."""
    row, _, cat, scope, turns = _context(store, interview_id)
    _open(row, interview_id)
    state = flow.state_of(row, turns)
    flow.hand_over(state, cat, scope, name, role, controls or [], levels or [], user_id=user_id)
    store.save_interview_state(interview_id, state)
    return get_interview_view(store, interview_id)


def set_depth(store: Store, interview_id: str, depth: int) -> dict:
    row, _, _, _, turns = _context(store, interview_id)
    state = flow.state_of(row, turns)
    state["depth"] = flow.check_depth(depth)
    store.save_interview_state(interview_id, state)
    return get_interview_view(store, interview_id)

def _propose(store: Store, row: InterviewRow, proposal: CategoryProposal, analyser: Analyser,
             turns: list[Any] = ()) -> None:
    """Write the proposals (with their evidence) into the assessment record as pending, never confirmed.

    The provenance is the analyser's: the engine that produced `proposal` and the prompt files it used. A flagged
    sentence goes on the level proposal and on the proposal of every objective its turn was asked about or cited
    for, as {"turn", "quote", "reason"}; it is never among the citations."""
    from aismm_assistant.assessment.record import Citation, FlagNote, LevelProposal, Proposal

    engine = analyser.provenance.engine
    prompts = dict(analyser.provenance.prompts)
    flags = [FlagNote(turn=f.turn, quote=f.quote, reason=f.reason, interview_id=row.id) for f in proposal.flags]
    asked = {t.seq: set(t.question_controls) for t in turns}
    items = []
    for cid, p in proposal.controls.items():
        cited = {c["turn"] for c in p.citations}
        mine = [f for f in flags if cid in asked.get(f.turn, ()) or f.turn in cited]
        if p.status == "not_applicable" or (p.status == "unknown" and not p.citations and not mine):
            continue
        items.append(Proposal(control_id=cid, status=p.status, confidence=round(p.confidence, 3),
                              citations=[Citation(turn=c["turn"], quote=c["quote"], interview_id=row.id)
                                         for c in p.citations],
                              flags=list(mine), engine=engine, prompts=prompts, interview_id=row.id,
                              rationale="; ".join(p.reasons) or None))
    confs = [p.confidence for p in proposal.controls.values() if p.status == "met"]
    level = LevelProposal(category=row.category, level=proposal.level,
                          confidence=round(min(confs), 3) if confs else 0.5, engine=engine, prompts=prompts,
                          interview_id=row.id, flags=list(flags),
                          rationale=f"scoring rule over proposed statuses; blocking: {', '.join(proposal.blocking)}")
    store.propose_results(row.assessment_id, items, level_proposal=level)
