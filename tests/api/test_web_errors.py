"""API errors speak to the person using the pages or the API, never in command-line flags or commands."""

from __future__ import annotations

import re

from aismm_assistant.api.errors import in_web_words
from tests.support.api import Api, api_fixture  # noqa: F401 - registers the "api" fixture

CLI = re.compile(r"(?<![\w-])--[a-z]|`aismm |aismm [a-z]+ (list|add|show)")


def test_the_reported_cli_wordings_are_translated(api: Api) -> None:
    missing = api.get("/api/assessments/asm-nope", "alice")
    assert missing.status_code == 404 and missing.json()["error"] == "no assessment 'asm-nope'"
    aid = api.new_assessment()
    no_proposal = api.post(f"/api/assessments/{aid}/controls/GOV-02.1/confirm", "alice", json={"rationale": "seen"})
    assert no_proposal.status_code == 422
    assert no_proposal.json()["error"] == "GOV-02.1 has no proposal to accept; give a status to set one"
    blank = api.post(f"/api/assessments/{aid}/controls/GOV-02.1/confirm", "alice",
                     json={"rationale": "   ", "status": "met"})
    assert blank.status_code == 422 and blank.json()["error"] == "give a rationale for the confirmation"
    nobody = api.post(f"/api/assessments/{aid}/interviews", "alice", json={"category": "GOV", "respondent": "zoe"})
    assert nobody.status_code == 422 and "ask an administrator" in nobody.json()["error"]
    for resp in (missing, no_proposal, blank, nobody):
        assert not CLI.search(resp.json()["error"]), resp.json()["error"]


def test_translation_keeps_the_meaning() -> None:
    assert in_web_words("give a control ID or --assessment ID") == "give a control ID or an assessment ID"
    assert in_web_words("set OPENAI_API_KEY or choose --llm offline") == "set OPENAI_API_KEY or set AISMM_LLM=offline"
    assert in_web_words("say who made the change (--by NAME)") == "say who made the change"
    assert in_web_words("level 7 is not 1-5") == "level 7 is not 1-5"  # ordinary text is untouched
