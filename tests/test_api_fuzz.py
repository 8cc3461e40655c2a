"""Generated requests from the OpenAPI document (schemathesis): no request ever gets a 500.

Bounded: a few examples per operation and role. Search and ask are left out here because a *valid*
query loads the MiniLM model; their validation is covered in test_api.py.
"""

from __future__ import annotations

import re

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.test_api_support import GOV_ANSWER, Api, api_fixture  # noqa: F401 - registers the "api" fixture

SKIP = {"/api/search", "/api/ask"}
CLI_WORDS = re.compile(r"(?<![\w-])--[a-z]|`aismm ")


def test_no_generated_request_gets_a_server_error(api: Api) -> None:
    aid = api.new_assessment()
    iid = api.new_interview(aid)["id"]
    api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": GOV_ANSWER})
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIP:
            continue
        checked.append(f"{operation.method.upper()} {operation.path}")

        @given(case=operation.as_strategy())
        @settings(max_examples=5, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case) -> None:  # noqa: ANN001 - a schemathesis Case
            for who in ("root", "dana"):
                response = case.call(headers={**(case.headers or {}), **api.auth(who)})
                where = f"{case.method} {case.formatted_path} as {who}"
                assert response.status_code < 500, f"{where}: {response.text[:300]}"
                if response.status_code >= 400:
                    body = response.json()
                    assert isinstance(body.get("error"), str) and body["error"], f"{where}: {response.text[:300]}"
                    assert not CLI_WORDS.search(body["error"]), f"{where}: CLI wording {body['error']!r}"

        check()
    assert "POST /api/interviews/{interview_id}/answers" in checked
    assert len(checked) >= 15
