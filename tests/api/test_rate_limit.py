"""A per-token limit on writes: 429 with Retry-After past the burst; reads and other tokens unaffected."""

from __future__ import annotations

from pathlib import Path

import pytest

from aismm_assistant.api.ratelimit import TokenBuckets


@pytest.fixture
def limited(aismm_home: Path, monkeypatch):
    from fastapi.testclient import TestClient

    from aismm_assistant.api.app import create_app
    from aismm_assistant.assessment.storage import Store
    from aismm_assistant.settings import reset_settings

    monkeypatch.setenv("AISMM_WRITE_RATE_PER_MINUTE", "6")
    monkeypatch.setenv("AISMM_WRITE_BURST", "3")
    reset_settings()
    store = Store()
    tokens = {n: store.add_user(n, "assessor")[1] for n in ("alice", "bob")}
    client = TestClient(create_app(store=store), raise_server_exceptions=False)
    yield client, {n: {"Authorization": f"Bearer {t}"} for n, t in tokens.items()}, store
    client.close()
    store.close()


def test_writes_past_the_burst_get_429_with_retry_after(limited) -> None:
    client, auth, store = limited
    codes = [client.post("/api/assessments", json={"organization": f"Org {i}"}, headers=auth["alice"]).status_code
             for i in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    refused = client.post("/api/assessments", json={"organization": "Org 9"}, headers=auth["alice"])
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 10  # 6 a minute: one every 10 s
    assert "wait" in refused.json()["error"]
    assert len(store.list_assessments()) == 3  # a refused write changes nothing
    # reads are never limited, and another token has its own bucket
    assert all(client.get("/api/assessments", headers=auth["alice"]).status_code == 200 for _ in range(10))
    assert client.post("/api/assessments", json={"organization": "Bob Org"}, headers=auth["bob"]).status_code == 201


def test_the_bucket_refills_at_the_configured_rate() -> None:
    now = [0.0]
    buckets = TokenBuckets(per_minute=60, burst=2, clock=lambda: now[0])
    assert [buckets.take("t") for _ in range(2)] == [0.0, 0.0]
    assert buckets.take("t") == pytest.approx(1.0)
    now[0] += 0.5
    assert buckets.take("t") == pytest.approx(0.5)
    now[0] += 0.5
    assert buckets.take("t") == 0.0
    now[0] += 100
    assert [buckets.take("t") for _ in range(3)][:2] == [0.0, 0.0]  # never more than the burst


def test_zero_turns_the_limit_off(aismm_home: Path, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from aismm_assistant.api.app import create_app
    from aismm_assistant.assessment.storage import Store
    from aismm_assistant.settings import reset_settings

    monkeypatch.setenv("AISMM_WRITE_RATE_PER_MINUTE", "0")
    monkeypatch.setenv("AISMM_WRITE_BURST", "1")
    reset_settings()
    store = Store()
    auth = {"Authorization": "Bearer " + store.add_user("alice", "assessor")[1]}
    with TestClient(create_app(store=store)) as client:
        assert {client.post("/api/assessments", json={"organization": f"O{i}"}, headers=auth).status_code
                for i in range(5)} == {201}
    store.close()


def test_429_is_documented_on_every_write(aismm_home: Path) -> None:
    from fastapi.testclient import TestClient

    from aismm_assistant.api.app import create_app

    doc = TestClient(create_app()).get("/openapi.json").json()
    writes = [(p, m) for p, ops in doc["paths"].items() for m in ops if m in ("post", "delete")]
    assert writes
    for path, method in writes:
        assert "Retry-After" in doc["paths"][path][method]["responses"]["429"]["headers"], (path, method)
