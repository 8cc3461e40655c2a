"""`aismm serve` as a real process: SIGKILL mid-interview loses nothing; concurrent interviews lose nothing."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support.api import Server, aismm_cli, server_env

CATEGORIES = ["GOV", "ORG", "IAM", "MON", "INF", "MOD", "APP", "DAT"]


def _users(env: dict, *people: tuple[str, str]) -> list[dict]:
    """(name, role) -> a bearer header each, written straight to the server's database.

    In-process, not one `aismm user add` process per user (0.6 s each): the CLI itself is checked in
    test_user_cli_prints_token_once_and_refuses_bad_input below.
    """
    from aismm_assistant.storage import Store

    home = Path(env["AISMM_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{home / 'aismm.db'}")
    try:
        return [{"Authorization": "Bearer " + store.add_user(name, role)[1]} for name, role in people]
    finally:
        store.close()


@pytest.fixture
def env(tmp_path: Path) -> dict:
    return server_env(tmp_path / "server-home")


def test_user_cli_prints_token_once_and_refuses_bad_input(env: dict) -> None:
    done = aismm_cli("user", "add", "carol", "--role", "assessor", "--json", env=env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"id", "name", "role", "created_at", "expires_at", "token"} and data["role"] == "assessor"
    listed = json.loads(aismm_cli("user", "list", "--json", env=env).stdout)
    assert listed["users"][0]["name"] == "carol" and "token" not in listed["users"][0]
    db = (Path(env["AISMM_HOME"]) / "aismm.db").read_bytes()
    assert data["token"].encode() not in db
    bad = aismm_cli("user", "add", "dave", "--role", "boss", env=env)
    assert bad.returncode == 1 and bad.stderr.startswith("error: --role 'boss'") and "Traceback" not in bad.stderr
    dup = aismm_cli("user", "add", "carol", "--role", "assessor", env=env)
    assert dup.returncode == 1 and "already exists" in dup.stderr
    gone = aismm_cli("user", "remove", "nobody", env=env)
    assert gone.returncode == 1 and "no user 'nobody'" in gone.stderr
    assert aismm_cli("serve", "--port", "0", env=env).returncode == 1


def test_sigkill_mid_interview_keeps_every_stored_answer(env: dict) -> None:
    alice, dana = _users(env, ("alice", "assessor"), ("dana", "respondent"))
    server = Server(env)
    try:
        base = server.base
        aid = httpx.post(base + "/api/assessments", json={"organization": "Kill Nine Ltd"}, headers=alice).json()["id"]
        iid = httpx.post(f"{base}/api/assessments/{aid}/interviews", json={"category": "GOV", "respondent": "dana"},
                         headers=alice).json()["id"]
        answers = [f"Answer {i}: we published an AI acceptable use policy, version {i}." for i in range(3)]
        for text in answers:
            assert httpx.post(f"{base}/api/interviews/{iid}/answers", json={"answer": text}, headers=dana,
                              timeout=30).status_code == 200
        # a fourth answer is in flight when the server dies
        in_flight = "Answer 3: this one may or may not have been stored."
        sender = threading.Thread(target=lambda: _quiet_post(f"{base}/api/interviews/{iid}/answers", in_flight, dana))
        sender.start()
        server.kill9()
        sender.join(timeout=30)
    finally:
        server.stop()

    server = Server(env)
    try:
        view = httpx.get(f"{server.base}/api/interviews/{iid}", headers=dana, timeout=30).json()
        stored = [t["answer"] for t in view["turns"]]
        assert stored[:3] == answers
        assert stored[3:] in ([], [in_flight])
        assert [t["turn"] for t in view["turns"]] == list(range(len(stored)))
        nxt = httpx.post(f"{server.base}/api/interviews/{iid}/answers", json={"answer": "After the restart."},
                         headers=dana, timeout=30)
        assert nxt.status_code == 200
        after = httpx.get(f"{server.base}/api/interviews/{iid}", headers=dana, timeout=30).json()["turns"]
        assert after[-1]["answer"] == "After the restart." and after[-1]["turn"] == len(stored)
    finally:
        server.stop()


def _quiet_post(url: str, answer: str, headers: dict) -> None:
    try:
        httpx.post(url, json={"answer": answer}, headers=headers, timeout=10)
    except httpx.HTTPError:
        pass


def test_eight_concurrent_interviews_lose_no_answer_with_two_workers(env: dict) -> None:
    alice, *headers = _users(env, ("alice", "assessor"), *((f"r-{cat.lower()}", "respondent") for cat in CATEGORIES))
    respondents = dict(zip(CATEGORIES, headers, strict=True))
    server = Server(env, workers=2)
    try:
        base = server.base
        aid = httpx.post(base + "/api/assessments", json={"organization": "Busy Corp"}, headers=alice).json()["id"]
        ids = {
            cat: httpx.post(f"{base}/api/assessments/{aid}/interviews",
                            json={"category": cat, "respondent": f"r-{cat.lower()}"}, headers=alice).json()["id"]
            for cat in CATEGORIES
        }
        barrier = threading.Barrier(len(CATEGORIES))

        def run(cat: str) -> list[int]:
            codes = []
            with httpx.Client(base_url=base, headers=respondents[cat], timeout=60) as client:
                barrier.wait()
                for n in range(5):
                    answer = f"{cat} answer {n}: the policy is documented and reviewed every quarter by the owner."
                    codes.append(client.post(f"/api/interviews/{ids[cat]}/answers", json={"answer": answer}).status_code)
            return codes

        with ThreadPoolExecutor(len(CATEGORIES)) as pool:
            results = dict(zip(CATEGORIES, pool.map(run, CATEGORIES), strict=True))
        assert all(codes == [200] * 5 for codes in results.values()), results

        for cat, iid in ids.items():
            turns = httpx.get(f"{base}/api/interviews/{iid}", headers=alice, timeout=30).json()["turns"]
            assert [t["answer"].split(":")[0] for t in turns] == [f"{cat} answer {n}" for n in range(5)]
            assert [t["turn"] for t in turns] == [0, 1, 2, 3, 4]
        # every interview's proposals reached the one shared record (compare-and-swap, no lost update)
        record = httpx.get(f"{base}/api/assessments/{aid}", headers=alice, timeout=30).json()
        proposed = {r["category"] for r in record["results"] if r["proposed_status"]}
        levels = {c for c, v in record["categories"].items() if v["proposed_level"] is not None}
        assert proposed | levels == set(CATEGORIES)
    finally:
        server.stop()


def test_concurrent_answers_to_one_interview_are_each_stored_once(env: dict) -> None:
    alice, dana = _users(env, ("alice", "assessor"), ("dana", "respondent"))
    server = Server(env, workers=2)
    try:
        base = server.base
        aid = httpx.post(base + "/api/assessments", json={"organization": "Race Inc"}, headers=alice).json()["id"]
        iid = httpx.post(f"{base}/api/assessments/{aid}/interviews", json={"category": "IR", "respondent": "dana"},
                         headers=alice).json()["id"]
        texts = [f"parallel answer {n}" for n in range(12)]

        def send(text: str) -> int:
            return httpx.post(f"{base}/api/interviews/{iid}/answers", json={"answer": text}, headers=dana,
                              timeout=60).status_code

        with ThreadPoolExecutor(6) as pool:
            assert list(pool.map(send, texts)) == [200] * len(texts)
        turns = httpx.get(f"{base}/api/interviews/{iid}", headers=dana, timeout=30).json()["turns"]
        assert sorted(t["answer"] for t in turns) == sorted(texts)
        assert [t["turn"] for t in turns] == list(range(len(texts)))
    finally:
        server.stop()
