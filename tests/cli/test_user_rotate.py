"""`aismm user add --expires-in`, `aismm user rotate` and `aismm user remove` by id or any-case name."""

from __future__ import annotations

from datetime import datetime

from aismm_assistant.assessment.record import utcnow
from aismm_assistant.storage import get_store
from tests.support.assessment import cli, cli_json


def test_add_with_an_expiry_then_rotate_prints_a_new_token_once():
    made = cli_json("user", "add", "Dana", "--role", "respondent", "--expires-in", "10")
    assert 9 <= (datetime.fromisoformat(made["expires_at"]) - utcnow()).days <= 10
    store = get_store()
    assert store.user_by_token(made["token"]).id == made["id"]

    code, out, err = cli("user", "rotate", "dana")
    assert code == 0, err
    new = out.strip().splitlines()[-1]
    assert "new token for respondent Dana" in out and made["id"] in out
    assert store.user_by_token(made["token"]) is None  # the old token is dead at once
    assert store.user_by_token(new).id == made["id"]
    assert (store.get_user("Dana").expires_at - utcnow()).days >= 89  # a rotation gets a fresh default lifetime
    listed = cli("user", "list")[1]
    assert new not in listed and made["token"] not in listed


def test_rotate_and_remove_refuse_bad_input_with_one_line_and_change_nothing():
    made = cli_json("user", "add", "erin", "--role", "assessor")
    for args in (("user", "rotate", "nobody"), ("user", "rotate", "erin", "--expires-in", "0"),
                 ("user", "remove", "nobody"), ("user", "add", "ERIN", "--role", "respondent")):
        code, out, err = cli(*args)
        assert code == 1 and err.startswith("error: ") and len(err.strip().splitlines()) == 1, (args, err)
    assert get_store().user_by_token(made["token"]).name == "erin"


def test_remove_by_id_then_the_name_can_be_reused_by_a_new_identity():
    first = cli_json("user", "add", "erin", "--role", "respondent")
    assert cli_json("user", "remove", first["id"]) == {"removed": "erin", "id": first["id"]}
    second = cli_json("user", "add", "Erin", "--role", "respondent")
    assert second["id"] != first["id"]
    assert get_store().user_by_token(first["token"]) is None
