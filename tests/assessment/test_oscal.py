"""The OSCAL export validates against compliance-trestle's OSCAL assessment-results models."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from aismm_assistant.cli.main import app

trestle_ar = pytest.importorskip("trestle.oscal.assessment_results")


def run(*args):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_exported_assessment_results_are_valid_oscal(tmp_path):
    aid = json.loads(run("assessment", "new", "--org", "Acme Health", "--deployment", "PaaS", "--json"))["id"]
    run("assessment", "set", aid, "GOV-02.1", "met", "--evidence", "AUP v3; LMS report 94% attested", "--by", "priya")
    run("assessment", "set", aid, "GOV-02.2", "partial", "--notes", "no intake form yet", "--by", "priya")
    run("assessment", "target", aid, "GOV", "3", "--by", "2027-06-30")
    out = tmp_path / "ar.json"
    run("assessment", "export", aid, "--format", "oscal", "-o", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    ar = trestle_ar.AssessmentResults.parse_obj(doc["assessment-results"])
    findings = {f.target.target_id: f for f in ar.results[0].findings}
    assert len(findings) == 2  # issue 14: only objectives a person decided (the 100+ unknown ones are no finding)
    gov = next(f for tid, f in findings.items() if "gov-02.1" in tid.lower())
    assert gov.target.status.state.value == "satisfied"
    assert any("94%" in (o.description or "") for o in ar.results[0].observations or [])
