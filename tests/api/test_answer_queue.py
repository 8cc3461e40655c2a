"""Answers queue for analysis on their own threads: however many are waiting, reads are still served.

(How fast reads stay under load is measured, not tested: benchmarks/bench_api_load.py.)
"""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from tests.support.api import Api, api_fixture  # noqa: F401 - registers the "api" fixture

STUCK = 48  # more than the request threadpool's 40 threads


@pytest.fixture(autouse=True)
def _no_write_limit(aismm_home, monkeypatch: pytest.MonkeyPatch) -> None:
    """48 answers from one token in a second: the per-token write limit is off here (tested elsewhere)."""
    from aismm_assistant.settings import reset_settings

    monkeypatch.setenv("AISMM_WRITE_RATE_PER_MINUTE", "0")
    reset_settings()


def test_reads_are_served_while_many_answers_wait_and_answers_run_one_at_a_time(api: Api, monkeypatch):
    from aismm_assistant.api.app import create_app
    from aismm_assistant.interview import engine

    iv = api.new_interview(api.new_assessment())["id"]
    release = threading.Event()
    running, most = [0], [0]
    lock = threading.Lock()

    def slow_submit(store, interview_id, answer, respondent=None, llm=None, **_kw):  # noqa: ANN001 - the engine's signature
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        release.wait(60)
        with lock:
            running[0] -= 1
        return {"question": None, "proposal": {}, "stop_reason": "test"}

    monkeypatch.setattr(engine, "submit_answer", slow_submit)
    headers = api.auth("dana")
    with TestClient(create_app(store=api.store)) as client:  # one event loop for every request, as in uvicorn
        codes: list[int] = []

        def answer(i: int) -> None:
            codes.append(client.post(f"/api/interviews/{iv}/answers", headers=headers,
                                     json={"answer": f"answer {i}"}).status_code)

        writers = [threading.Thread(target=answer, args=(i,)) for i in range(STUCK)]
        for t in writers:
            t.start()
        read: list[int] = []
        reader = threading.Thread(target=lambda: read.append(client.get("/api/controls/GOV-02.1", headers=headers)
                                                             .status_code))
        reader.start()
        reader.join(timeout=30)
        served_while_stuck = read == [200]
        release.set()
        for t in writers:
            t.join(timeout=60)
    assert served_while_stuck, "a read waited behind the answers"
    assert codes == [200] * STUCK
    assert most[0] == 1  # AISMM_ANSWER_WORKERS (1): the others queued
