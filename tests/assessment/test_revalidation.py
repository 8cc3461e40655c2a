"""Answers expire: a met/partial status decided longer ago than the revalidation window is flagged."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from aismm_assistant.assessment.record import Change, ControlResult, Provenance
from aismm_assistant.assessment.summary import is_stale
from aismm_assistant.cli.main import app


def _manual(status: str, days_ago: int) -> ControlResult:
    at = datetime.now(UTC) - timedelta(days=days_ago)
    prov = Provenance(source="manual", manual=status,
                      history=[Change(at=at, actor="priya", action="set", field="status", new=status)])
    return ControlResult(control_id="GOV-02.1", status=status, provenance=prov)


def test_old_met_answers_are_stale_and_fresh_or_negative_ones_are_not():
    now = datetime.now(UTC)
    assert is_stale(_manual("met", 400), now, 365)
    assert is_stale(_manual("partial", 400), now, 365)
    assert not is_stale(_manual("met", 30), now, 365)
    assert not is_stale(_manual("not_met", 400), now, 365)  # a gap needs no revalidation
    assert not is_stale(ControlResult(control_id="GOV-02.1"), now, 365)


def test_show_flags_stale_answers_under_a_short_window(monkeypatch):
    from aismm_assistant.settings import reset_settings

    runner = CliRunner()
    aid = json.loads(runner.invoke(app, ["assessment", "new", "--org", "Acme", "--json"]).stdout)["id"]
    runner.invoke(app, ["assessment", "set", aid, "GOV-02.1", "met", "--by", "priya"])
    shown = json.loads(runner.invoke(app, ["assessment", "show", aid, "--json"]).stdout)
    assert shown["categories"]["GOV"]["stale"] == []
    monkeypatch.setenv("AISMM_REVALIDATE_AFTER_DAYS", "1")
    reset_settings()
    later = datetime.now(UTC) + timedelta(days=3)

    class _Later(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN206 - datetime API
            return later

    monkeypatch.setattr("aismm_assistant.assessment.summary.datetime", _Later)
    shown = json.loads(runner.invoke(app, ["assessment", "show", aid, "--json"]).stdout)
    assert shown["categories"]["GOV"]["stale"] == ["GOV-02.1"]
    result = next(r for r in shown["results"] if r["control_id"] == "GOV-02.1")
    assert result["stale"] is True and result["decided_at"]
