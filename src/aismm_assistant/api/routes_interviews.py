"""Interviews: staff start them; the assigned respondents (or staff) read and answer them.

Every answer goes through the interview engine, which stores the turn (atomic, ordered ``seq``, with
the question it answers) before analysing it, so concurrent requests and a killed server lose nothing.
The analysis runs on the answer queue (api/answer_queue.py), never on the event loop or the threads
that serve reads. What a respondent sees is the engine's respondent view (no statuses, confidence,
levels or flags) on every endpoint that returns the interview, the streamed one included; staff get
the full view.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from aismm_assistant.api.answer_queue import AnswerQueue, answer_queue
from aismm_assistant.api.auth import Principal, StaffDep, StoreDep, UserDep, check_interview_access
from aismm_assistant.api.errors import in_web_words, status_for
from aismm_assistant.api.types import CategoryId
from aismm_assistant.errors import AismmError, NotFoundError, ValidationError
from aismm_assistant.storage import InterviewRow, Store
from aismm_assistant.users import USER_NAME_PATTERN

router = APIRouter(prefix="/api", tags=["interviews"])

IdPath = Annotated[str, Path(min_length=1, max_length=64)]
KEEPALIVE_SECONDS = 10.0
QueueDep = Annotated[AnswerQueue, Depends(answer_queue)]


class InterviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: CategoryId = Field(description="Category ID, e.g. GOV.")
    respondent: str = Field(pattern=USER_NAME_PATTERN,
                            description="Who answers: a user id (from GET /api/users?role=respondent) or user name.")
    depth: int | None = Field(default=None, ge=0, le=3, description=(
        "Levels still asked above the first level that falls short (default 1, so the roadmap knows what is "
        "already in place there; 0 stops at that level)."))


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(min_length=1, max_length=20_000)


class BackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    turn: int | None = Field(default=None, ge=0, description="Ask the question of this earlier answer again "
                                                             "(default: the question before the current one).")


class HandOverIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    respondent: str = Field(pattern=USER_NAME_PATTERN, description="User name of the second respondent.")
    role: str = Field(default="", max_length=120, description="The owner role they answer for, e.g. 'Head of IAM'.")
    controls: list[str] = Field(default_factory=list, max_length=40, description="Objectives handed to them.")
    levels: list[int] = Field(default_factory=list, max_length=4, description="Whole levels handed to them (2-5).")


@router.post("/assessments/{assessment_id}/interviews", status_code=201)
def start_interview(assessment_id: IdPath, body: InterviewIn, user: StaffDep, store: StoreDep) -> dict:
    """Open an interview on one category, assigned to a respondent's user id (a later namesake sees nothing)."""
    from aismm_assistant.interview.engine import start_interview as start

    store.get_assessment(assessment_id)
    try:
        who = store.get_user(body.respondent)
    except NotFoundError:
        raise ValidationError(
            f"no user {body.respondent!r}; ask an administrator to add them as a respondent first"
        ) from None
    return dict(start(store, assessment_id, body.category, who.name, who.id, depth=body.depth))


def _load(store: Store, interview_id: str, user: Principal) -> InterviewRow:
    """The interview row, if the user may see it: staff always, a respondent when it was assigned or handed to them."""
    row = store.get_interview(interview_id)
    check_interview_access(user, row)
    return row


def _audience(user: Any) -> dict:
    """Staff see everything; a respondent gets the respondent view and their own questions."""
    return {"audience": "staff"} if user.is_staff else {"audience": "respondent", "respondent": user.name}


def _with_row(view: dict, row: Any, user: Any) -> dict:
    info = row.public()
    if not user.is_staff:
        info = {k: v for k, v in info.items() if k != "status"} | {"finished": row.status == "done"}
    view.setdefault("interview", info)
    return view


@router.get("/interviews/{interview_id}")
def get_interview(interview_id: IdPath, user: UserDep, store: StoreDep) -> dict:
    """The transcript and the next question; staff also get the proposal (statuses, confidence, level, flags),
    a respondent what was understood in plain words with their own quotes."""
    from aismm_assistant.interview.engine import get_interview_view

    row = _load(store, interview_id, user)
    return _with_row(dict(get_interview_view(store, interview_id, **_audience(user))), row, user)


def _answer(store: Store, interview_id: str, answer: str, user: Principal) -> dict:
    from aismm_assistant.interview.engine import submit_answer

    if not answer.strip():
        raise ValidationError("answer: empty; write what is in place (or 'I don't know')")
    return dict(submit_answer(store, interview_id, answer, respondent=user.name,
                              audience=_audience(user)["audience"]))


@router.post("/interviews/{interview_id}/answers")
async def post_answer(interview_id: IdPath, body: AnswerIn, user: UserDep, store: StoreDep,
                      queue: QueueDep) -> dict:
    """Store one answer (in order, exactly once) and return the next question and what changed."""
    await run_in_threadpool(_load, store, interview_id, user)
    return await queue.run(_answer, store, interview_id, body.answer, user)


@router.post("/interviews/{interview_id}/skip")
def skip(interview_id: IdPath, user: UserDep, store: StoreDep) -> dict:
    """Skip the current question (its objectives stay unknown) and get the next one."""
    from aismm_assistant.interview.engine import skip_question

    row = _load(store, interview_id, user)
    return _with_row(dict(skip_question(store, interview_id, **_audience(user))), row, user)


@router.post("/interviews/{interview_id}/back")
def back(interview_id: IdPath, user: UserDep, store: StoreDep, body: BackIn | None = None) -> dict:
    """Ask an earlier question again (the previous one, or the one of answer `turn`), skipped ones included;
    the new answer overrides the earlier one."""
    from aismm_assistant.interview.engine import go_back

    row = _load(store, interview_id, user)
    turn = body.turn if body else None
    return _with_row(dict(go_back(store, interview_id, turn, **_audience(user))), row, user)


@router.post("/interviews/{interview_id}/finish")
def finish(interview_id: IdPath, user: StaffDep, store: StoreDep) -> dict:
    """Close an interview (staff): no more answers; its proposals stay for review."""
    from aismm_assistant.interview.engine import finish_interview

    view = dict(finish_interview(store, interview_id, actor=user.name))
    return _with_row(view, store.get_interview(interview_id), user)


@router.post("/interviews/{interview_id}/respondents")
def hand_over(interview_id: IdPath, body: HandOverIn, user: StaffDep, store: StoreDep) -> dict:
    """Hand the questions of some objectives (or whole levels) to a second respondent (staff)."""
    from aismm_assistant.interview.engine import hand_over as engine_hand_over

    store.get_interview(interview_id)
    try:
        who = store.get_user(body.respondent)
    except NotFoundError:
        raise ValidationError(
            f"no user {body.respondent!r}; ask an administrator to add them as a respondent first"
        ) from None
    view = dict(engine_hand_over(store, interview_id, who.name, body.role, body.controls, body.levels, who.id))
    return _with_row(view, store.get_interview(interview_id), user)


def _sse(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


@router.post(
    "/interviews/{interview_id}/answers/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "accepted, keepalive…, result|error"}},
)
async def post_answer_stream(interview_id: IdPath, body: AnswerIn, user: UserDep, store: StoreDep,
                             queue: QueueDep) -> StreamingResponse:
    """Server-sent events for slow (LLM) analysis: `accepted` at once, comments while it works, then `result`."""
    await run_in_threadpool(_load, store, interview_id, user)

    async def events() -> AsyncIterator[bytes]:
        yield _sse("accepted", {"interview_id": interview_id})
        task = asyncio.ensure_future(queue.run(_answer, store, interview_id, body.answer, user))
        while True:
            done, _ = await asyncio.wait({task}, timeout=KEEPALIVE_SECONDS)
            if done:
                break
            yield b": still working\n\n"
        try:
            yield _sse("result", task.result())
        except AismmError as exc:
            yield _sse("error", {"error": in_web_words(str(exc)), "status": status_for(exc)})
        except Exception:  # the stream has started: report in-band, keep the traceback in the log
            logging.getLogger("aismm_assistant.api").exception("answer stream failed for %s", interview_id)
            yield _sse("error", {"error": "internal error; see the server log", "status": 500})

    return StreamingResponse(events(), media_type="text/event-stream", headers={"cache-control": "no-store"})

