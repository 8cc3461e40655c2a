"""Hermetic tests: state under tmp_path, no network, no hub downloads."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(autouse=True)
def aismm_home(tmp_path, monkeypatch):
    """Every test gets its own AISMM_HOME; settings are rebuilt from the environment."""
    from aismm_assistant.settings import reset_settings

    home = tmp_path / "aismm-home"
    monkeypatch.setenv("AISMM_HOME", str(home))
    monkeypatch.delenv("AISMM_DATABASE_URL", raising=False)
    monkeypatch.delenv("AISMM_LLM", raising=False)
    monkeypatch.delenv("AISMM_CORPUS_DIR", raising=False)
    reset_settings()
    yield home
    reset_settings()
    from aismm_assistant.llm import unregister_test_models

    unregister_test_models()
