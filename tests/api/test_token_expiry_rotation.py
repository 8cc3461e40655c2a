"""Tokens expire and rotate; identities are ids, so a re-created name sees none of the old user's work."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from aismm_assistant.assessment.record import utcnow
from aismm_assistant.storage.db import users_t
from tests.support.api import GOV_ANSWER, Api, api_fixture  # noqa: F401 - registers the "api" fixture


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _expire(api: Api, name: str) -> None:
    with api.store.engine.begin() as conn:
        conn.execute(users_t.update().where(users_t.c.name == name).values(expires_at=utcnow() - timedelta(minutes=1)))


def test_new_tokens_expire_after_the_default_lifetime_or_the_one_asked_for(api: Api, monkeypatch):
    from aismm_assistant.settings import reset_settings

    made = api.post("/api/users", "root", json={"name": "gus", "role": "respondent"}).json()
    assert made["expires_at"] and 89 <= (api.store.get_user("gus").expires_at - utcnow()).days <= 90
    short = api.post("/api/users", "root", json={"name": "hal", "role": "respondent", "expires_in_days": 7}).json()
    assert 6 <= (api.store.get_user(short["id"]).expires_at - utcnow()).days <= 7
    monkeypatch.setenv("AISMM_TOKEN_TTL_DAYS", "0")
    reset_settings()
    forever = api.post("/api/users", "root", json={"name": "ivy", "role": "respondent"}).json()
    assert forever["expires_at"] is None
    zero = api.post("/api/users", "root", json={"name": "jo", "role": "respondent", "expires_in_days": 0})
    assert zero.status_code == 422


def test_an_expired_token_gets_401_with_a_clear_message(api: Api):
    assert api.get("/api/me", "dana").status_code == 200
    _expire(api, "dana")
    resp = api.get("/api/me", "dana")
    assert resp.status_code == 401
    # in the web's words: who to ask, never a CLI command
    assert resp.json()["error"].startswith("token expired on ") and "ask an admin" in resp.json()["error"]
    assert "aismm" not in resp.json()["error"]
    assert resp.headers["www-authenticate"] == "Bearer"


def test_rotation_kills_the_old_token_at_once_and_shows_the_new_one_once(api: Api):
    old = api.tokens["dana"]
    _expire(api, "dana")
    resp = api.post("/api/users/dana/rotate", "root")
    assert resp.status_code == 200, resp.text
    new = resp.json()["token"]
    assert new != old and resp.json()["name"] == "dana" and resp.json()["expires_at"]
    assert api.client.get("/api/me", headers=_bearer(old)).status_code == 401
    assert api.client.get("/api/me", headers=_bearer(new)).json()["name"] == "dana"
    with api.store.engine.connect() as conn:
        stored = conn.execute(sa.select(users_t.c.token_hash).where(users_t.c.name == "dana")).scalar_one()
    assert new not in stored and len(stored) == 64  # only the SHA-256
    listed = api.get("/api/users", "root").json()["users"]
    assert all("token" not in u and "token_hash" not in u for u in listed)


def test_a_user_may_rotate_only_their_own_token_unless_admin(api: Api):
    dana_id = api.store.get_user("dana").id
    assert api.post(f"/api/users/{dana_id}/rotate", "eve").status_code == 403
    mine = api.post(f"/api/users/{dana_id}/rotate", "dana", json={"expires_in_days": 30})
    assert mine.status_code == 200 and mine.json()["id"] == dana_id
    assert api.get("/api/me", "dana").status_code == 401  # the token that asked was the old one
    assert api.post("/api/users/nobody/rotate", "root").status_code == 404


def test_a_recreated_name_sees_nothing_of_the_removed_users_interviews(api: Api):
    aid = api.new_assessment()
    iv = api.new_interview(aid, respondent="dana")["id"]
    assert api.post(f"/api/interviews/{iv}/answers", "dana", json={"answer": GOV_ANSWER}).status_code == 200
    assert api.client.delete("/api/users/dana", headers=api.auth("root")).status_code == 200
    again = api.post("/api/users", "root", json={"name": "DANA", "role": "respondent"})
    assert again.status_code == 201
    headers = _bearer(again.json()["token"])
    assert api.client.get("/api/me", headers=headers).json()["interviews"] == []
    assert api.client.get(f"/api/interviews/{iv}", headers=headers).status_code == 403
    resp = api.client.post(f"/api/interviews/{iv}/answers", headers=headers, json={"answer": "I am dana now."})
    assert resp.status_code == 403
    assert len(api.store.list_turns(iv)) == 1


def test_names_differing_only_in_case_are_one_user(api: Api):
    resp = api.post("/api/users", "root", json={"name": "Dana", "role": "assessor"})
    assert resp.status_code == 409 and "already exists" in resp.json()["error"]


def test_staff_pick_respondents_from_a_list(api: Api):
    listed = api.get("/api/users?role=respondent", "alice").json()["users"]
    assert [u["name"] for u in listed] == ["dana", "eve"]
    eve = listed[1]["id"]
    started = api.post(f"/api/assessments/{api.new_assessment()}/interviews", "alice",
                       json={"category": "GOV", "respondent": eve})
    assert started.status_code == 201, started.text
    assert [i["id"] for i in api.get("/api/me", "eve").json()["interviews"]] == [started.json()["id"]]
    assert api.get("/api/users?role=owner", "alice").status_code == 422
    assert api.get("/api/users?role=respondent", "dana").status_code == 403
