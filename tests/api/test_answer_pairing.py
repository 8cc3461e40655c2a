"""Simultaneous answers to one interview: each stored turn records the question pending at its place.

The question is decided inside the transaction that appends the turn (the interview row locked), so
8 answers fired at once give 8 turns, 8 distinct questions, in the order a one-at-a-time respondent
would have been asked them.
"""

from __future__ import annotations

import threading

import pytest

from tests.support.api import Api, api_fixture  # noqa: F401 - registers the "api" fixture

#: one statement per governance objective (written for this test); together they can settle the category,
#: so the real engine asks a different number of questions depending on the order they arrive in.
ANSWERS = [
    "Our AI acceptable-use policy is version-controlled, owned by the Chief Risk Officer, reviewed every 12 months, "
    "lists the approved AI tools and what must never be pasted into them; 96% of staff attested to it this year.",
    "The Chief Risk Officer is accountable for AI risk; every new AI tool or use case goes through the documented "
    "intake in ServiceNow and gets a recorded approve or reject with the approver named; all 31 launches have one.",
    "All staff with AI tool access completed the AI security awareness course (94%), and the engineers who build, "
    "deploy or approve AI systems completed the additional role-based builder track (91%).",
    "The AI council works under a written charter that defines its decision rights; security, legal, privacy, risk "
    "and a business sponsor sit on it, it meets monthly and keeps minutes.",
    "One authoritative AI registry records every approved use case with owner, purpose, deployment type, data "
    "classification and risk tier: 64 entries, reconciled every quarter against cloud accounts and procurement.",
    "Governance publishes an approved-model registry listing every permitted model and AI service with the data "
    "classifications and deployment types each may be used for.",
    "A central AI governance office of five dedicated staff has written authority to approve, block or pause any AI "
    "deployment and to grant exceptions, each recorded with an expiry date.",
    "Documented criteria classify use cases as high risk, and each high-risk use case gets an ethics and safety "
    "review with recorded sign-off before launch; 12 were reviewed this year.",
]


class NumberedQuestions:
    """A question policy that asks "question N" at the N-th turn: any mis-pairing shows in the text."""

    def __call__(self, category, scope, inputs, proposal, skipped=(), **_policy):  # noqa: ANN001, ANN003 - next_question
        from aismm_assistant.interview.questions import PolicyDecision, Question

        return PolicyDecision(Question(f"question {len(inputs) + 1}", [], 2))


def _fire(api: Api, interview_id: str, answers: list[str]) -> list[int]:
    barrier = threading.Barrier(len(answers))
    codes: list[int] = [0] * len(answers)

    def one(i: int) -> None:
        barrier.wait()
        resp = api.post(f"/api/interviews/{interview_id}/answers", "dana", json={"answer": answers[i]})
        codes[i] = resp.status_code

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(answers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return codes


def _sequential_questions(api: Api, assessment_id: str, answers: list[str]) -> list[str | None]:
    """The questions a respondent answering one at a time, in this order, would have been asked."""
    iv = api.new_interview(assessment_id)
    asked = [iv["question"]["text"] if iv["question"] else None]
    for answer in answers:
        nxt = api.post(f"/api/interviews/{iv['id']}/answers", "dana", json={"answer": answer}).json()["question"]
        asked.append(nxt["text"] if nxt else None)
    return asked[: len(answers)]


def test_eight_simultaneous_answers_record_eight_distinct_questions_in_order(api: Api, monkeypatch):
    from aismm_assistant.interview import engine

    monkeypatch.setattr(engine, "next_question", NumberedQuestions())
    iv = api.new_interview(api.new_assessment())["id"]
    assert _fire(api, iv, ANSWERS) == [200] * 8

    turns = api.store.list_turns(iv)
    assert [t.seq for t in turns] == list(range(8))
    assert sorted(t.answer for t in turns) == sorted(ANSWERS)
    assert [t.question for t in turns] == [f"question {k + 1}" for k in range(8)]
    shown = api.get(f"/api/interviews/{iv}", "dana").json()
    assert [(t["turn"], t["question"]) for t in shown["turns"]] == [(k, f"question {k + 1}") for k in range(8)]
    assert shown["question"]["text"] == "question 9"


def test_with_the_real_engine_each_turn_has_the_question_a_lone_respondent_would_get(api: Api):
    aid = api.new_assessment()
    iv = api.new_interview(aid)["id"]
    assert _fire(api, iv, ANSWERS) == [200] * 8

    turns = api.store.list_turns(iv)
    assert [t.seq for t in turns] == list(range(8))
    asked = [t.question for t in turns if t.question]
    assert asked and len(set(asked)) == len(asked), asked  # no question answered twice
    assert [t.question for t in turns] == _sequential_questions(api, aid, [t.answer for t in turns])


def test_a_go_back_is_answered_once_then_cleared_in_the_same_commit(api: Api):
    aid = api.new_assessment()
    iv = api.new_interview(aid)["id"]
    assert api.post(f"/api/interviews/{iv}/answers", "dana", json={"answer": ANSWERS[0]}).status_code == 200
    again = api.post(f"/api/interviews/{iv}/back", "dana").json()["question"]
    assert again["text"] == api.store.list_turns(iv)[0].question
    assert _fire(api, iv, ANSWERS[1:3]) == [200, 200]
    turns = api.store.list_turns(iv)
    assert turns[1].question == again["text"] and turns[2].question != again["text"]  # asked again once, no more
    assert api.store.get_interview(iv).state.get("redo") is None


@pytest.mark.slow
def test_two_uvicorn_workers_pair_simultaneous_answers_like_one(tmp_path):
    """Across processes the SQLite write lock (BEGIN IMMEDIATE) is what serialises the pairing."""
    import httpx

    from aismm_assistant.storage import Store
    from tests.support.api import Server, server_env

    env = server_env(tmp_path / "two-workers")
    (tmp_path / "two-workers").mkdir()
    store = Store(f"sqlite:///{tmp_path / 'two-workers' / 'aismm.db'}")
    staff, dana = store.add_user("alice", "assessor")[1], store.add_user("dana", "respondent")[1]
    store.close()
    server = Server(env, workers=2)
    try:
        def client(token: str) -> httpx.Client:
            return httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {token}"}, timeout=120)

        with client(staff) as alice:
            aid = alice.post("/api/assessments", json={"organization": "Acme",
                                                       "deployment_types": ["PaaS", "API/SaaS"]}).json()["id"]
            started = alice.post(f"/api/assessments/{aid}/interviews", json={"category": "GOV", "respondent": "dana"})
            assert started.status_code == 201, started.text
            iv = started.json()
        barrier = threading.Barrier(len(ANSWERS))
        codes: list[int] = []

        def one(answer: str) -> None:
            with client(dana) as c:
                barrier.wait()
                codes.append(c.post(f"/api/interviews/{iv['id']}/answers", json={"answer": answer}).status_code)

        threads = [threading.Thread(target=one, args=(a,)) for a in ANSWERS]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert codes == [200] * len(ANSWERS)
        with client(dana) as c:
            turns = c.get(f"/api/interviews/{iv['id']}").json()["turns"]
            assert [t["turn"] for t in turns] == list(range(len(ANSWERS)))
            # a lone respondent, answering in the stored order on a second interview, is asked the same
            with client(staff) as alice:
                again = alice.post(f"/api/assessments/{aid}/interviews",
                                   json={"category": "GOV", "respondent": "dana"}).json()
            asked = [again["question"]["text"] if again["question"] else None]
            for t in turns[:-1]:
                nxt = c.post(f"/api/interviews/{again['id']}/answers", json={"answer": t["answer"]}).json()["question"]
                asked.append(nxt["text"] if nxt else None)
        assert [t["question"] for t in turns] == asked
    finally:
        server.stop()
