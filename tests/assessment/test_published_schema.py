"""The published JSON Schema of the assessment record is the one the code generates."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aismm_assistant.cli.main import app
from tests.support import PROJECT

PUBLISHED = PROJECT / "docs" / "schema" / "assessment.schema.json"


def test_published_schema_is_current():
    result = CliRunner().invoke(app, ["assessment", "schema"])
    assert result.exit_code == 0
    generated = json.loads(result.stdout)
    assert json.loads(PUBLISHED.read_text(encoding="utf-8")) == generated, (
        "regenerate with: aismm assessment schema > docs/schema/assessment.schema.json"
    )
    assert {"results", "categories", "organization", "scope"} <= set(generated.get("properties", {}))
