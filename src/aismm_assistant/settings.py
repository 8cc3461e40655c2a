"""One typed settings object, built on demand (never at import time).

Precedence: explicit arguments > environment (AISMM_*) > defaults. All state lives under `home`.

A plain pydantic model that reads its own ``AISMM_*`` variables (names case-insensitive, unknown
ones ignored, values validated and coerced like any field): pydantic-settings did the same, but its
import alone (asyncio, argparse, dotenv, cloud providers) cost a third of `aismm lookup`'s start-up.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

ENV_PREFIX = "AISMM_"

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent.parent


def data_dir(name: str) -> Path:
    """`corpus`, `prompts` or `web`: the copy shipped in the wheel when installed, the clone's folder otherwise.

    A wheel carries them as package data under `aismm_assistant/_data/` (setup.py copies them at build
    time); a clone or an editable install has no `_data` and reads the folders at the project root.
    """
    from importlib.resources import files

    shipped = Path(str(files("aismm_assistant") / "_data" / name))
    return shipped if shipped.is_dir() else PROJECT_ROOT / name


def _default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("aismm-assistant", appauthor=False))


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_default=True)

    def __init__(self, **values: Any) -> None:
        fields = type(self).model_fields
        merged: dict[str, Any] = {}
        for key, value in os.environ.items():
            name = key[len(ENV_PREFIX):].lower() if key.upper().startswith(ENV_PREFIX) else None
            if name in fields:
                merged[name] = value
        merged.update(values)
        super().__init__(**merged)

    home: Path = Field(default_factory=_default_home, description="State directory: index, database, users.")
    corpus_dir: Path = Field(
        default_factory=lambda: data_dir("corpus"), description="Folder holding corpus.yaml and categories/."
    )
    prompts_dir: Path = Field(default_factory=lambda: data_dir("prompts"), description="Prompt files for LLM mode.")
    web_dir: Path = Field(
        default_factory=lambda: data_dir("web"), description="Pages and assets served by `aismm serve`."
    )
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite under home.")
    chroma_url: str | None = Field(default=None, description="http://host:port of a Chroma server; default embedded.")
    llm: str = Field(default="offline", description="'offline' or an init_chat_model string such as openai:gpt-4o-mini.")
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible base URL for the chat model.")
    serving: bool = Field(
        default=False,
        description="Set by `aismm serve`: warm the search index at start; no request waits for an index build.",
    )
    max_request_bytes: int = Field(default=256_000, description="Largest HTTP request body accepted.")
    write_rate_per_minute: float = Field(
        default=120, ge=0, description="Writes (POST/PUT/PATCH/DELETE) a token may send per minute, per worker; 0 = off."
    )
    write_burst: int = Field(default=30, ge=1, description="Writes a token may send at once before the rate applies.")
    idempotency_ttl_hours: float = Field(default=24, gt=0, description="How long an Idempotency-Key's answer is kept.")
    evidence_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1, description="Largest evidence file accepted.")
    answer_workers: int = Field(
        default=1, ge=1, le=32, description="Answers analysed at once per server process; more answers queue."
    )
    token_ttl_days: int = Field(
        default=90, ge=0, description="Days a new or rotated bearer token stays valid (0: tokens never expire)."
    )
    revalidate_after_days: int = Field(
        default=365, ge=1, description="A met/partial answer older than this is flagged for revalidation."
    )

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.ensure_home() / 'aismm.db'}"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change AISMM_* between cases)."""
    get_settings.cache_clear()
