"""Generated requests from the OpenAPI document (schemathesis, every check): the API does what it documents.

All of schemathesis's checks run (no 5xx, status codes, content types, headers and bodies as
documented, schema-valid data accepted, invalid data refused, Allow on 405, auth not ignored, …),
with valid and invalid data, as an admin and as a respondent. Bounded: a few examples per
operation, mode and role. Search and ask are left out because a *valid* query loads the MiniLM
model; their validation is covered in test_api.py.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode
from schemathesis.openapi.checks import RejectedPositiveData

from tests.support.api import GOV_ANSWER, Api, api_fixture  # noqa: F401 - registers the "api" fixture

SKIP = {"/api/search", "/api/ask"}
CLI_WORDS = re.compile(r"(?<![\w-])--[a-z]|`aismm ")
#: schema-valid bodies these operations may still refuse with 422, because the rule depends on stored
#: state or on today's date, which no JSON Schema can say. Every other operation must accept them.
STATEFUL_422 = {
    ("POST", "/api/assessments/{assessment_id}/categories/{category}/confirm"): "the level must follow the scoring rule",
    ("POST", "/api/assessments/{assessment_id}/categories/{category}/target"): "the target date must not be past",
    ("POST", "/api/assessments/{assessment_id}/controls/{control_id}/confirm"): "accepting needs a pending proposal",
    ("POST", "/api/evidence-requests"): "the due date must not be past",
    ("POST", "/api/interviews/{interview_id}/answers"): "a finished interview takes no more answers",
    ("POST", "/api/interviews/{interview_id}/answers/stream"): "a finished interview takes no more answers",
    ("POST", "/api/interviews/{interview_id}/skip"): "a finished interview has nothing to skip",
    ("POST", "/api/interviews/{interview_id}/back"): "the first question has nothing before it",
    ("POST", "/api/assessments/{assessment_id}/interviews"): "the respondent must be an existing user",
    ("POST", "/api/assessments/{assessment_id}/evidence"): "the file's bytes must be a document of its type",
    ("POST", "/api/interviews/{interview_id}/evidence"): "the file's bytes must be a document of its type",
}


@pytest.fixture
def no_rate_limit(aismm_home, monkeypatch) -> None:
    from aismm_assistant.settings import reset_settings

    monkeypatch.setenv("AISMM_WRITE_RATE_PER_MINUTE", "0")
    reset_settings()


def test_every_generated_request_gets_a_documented_answer(no_rate_limit, api: Api) -> None:
    load_all_checks()
    every_check = CHECKS.get_all()
    assert len(every_check) >= 12
    aid = api.new_assessment()
    iid = api.new_interview(aid)["id"]
    api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": GOV_ANSWER})
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIP:
            continue
        where_op = (operation.method.upper(), operation.path)
        checked.append(f"{operation.method.upper()} {operation.path}")
        has_inputs = bool(operation.path_parameters or operation.query or operation.body)
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if has_inputs else [])
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=4, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def check(case) -> None:  # noqa: ANN001 - a schemathesis Case, run at once inside the loop
                for who in ("root", "dana"):
                    headers = {**(case.headers or {}), **api.auth(who)}
                    where = f"{case.method} {case.formatted_path} as {who} ({mode.value})"  # noqa: B023
                    try:
                        response = case.call_and_validate(headers=headers, checks=every_check)
                    except BaseException as exc:  # a FailureGroup: let the known stateful refusals through
                        inner = list(getattr(exc, "exceptions", [exc]))
                        if where_op in STATEFUL_422 and inner and all(  # noqa: B023
                                isinstance(e, RejectedPositiveData) and e.status_code == 422 for e in inner):
                            continue
                        raise AssertionError(f"{where}: {exc}") from None
                    if response.status_code >= 400:
                        body = response.json()
                        assert isinstance(body.get("error"), str) and body["error"], f"{where}: {response.text[:300]}"
                        assert not CLI_WORDS.search(body["error"]), f"{where}: CLI wording {body['error']!r}"

            try:
                check()
            except Unsatisfiable:  # nothing to negate (an unconstrained path string): only valid data exists
                assert mode is GenerationMode.NEGATIVE, where_op
    assert "POST /api/interviews/{interview_id}/answers" in checked
    assert len(checked) >= 15


@pytest.fixture(autouse=True)
def _no_write_limit(aismm_home, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of generated writes from one token: the per-token limit (tests/api/test_rate_limit.py) is off here."""
    from aismm_assistant.settings import reset_settings

    monkeypatch.setenv("AISMM_WRITE_RATE_PER_MINUTE", "0")
    reset_settings()


def test_options_and_unserved_methods_name_exactly_the_documented_methods(api: Api) -> None:
    """RFC 9110: a 405 carries Allow; both it and OPTIONS list what the document lists (plus HEAD, OPTIONS)."""
    doc = api.client.get("/openapi.json").json()
    for path, ops in doc["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "x1", path)
        documented = {m.upper() for m in ops if m in ("get", "post", "put", "patch", "delete")}
        options = api.client.options(concrete)
        assert options.status_code == 204, path
        allow = {m.strip() for m in options.headers["allow"].split(",")}
        assert allow - {"HEAD", "OPTIONS"} == documented, (path, allow)
        unserved = next(m for m in ("PUT", "PATCH", "DELETE", "POST") if m not in documented)
        refused = api.client.request(unserved, concrete, headers=api.auth("root"))
        assert refused.status_code == 405, (path, unserved)
        assert {m.strip() for m in refused.headers["allow"].split(",")} == allow
        assert refused.json()["error"].startswith(f"{unserved} is not allowed here")
