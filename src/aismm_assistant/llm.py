"""Optional LLMs through LangChain chat models, and prompt files with content hashes.

The offline engine is the default; nothing here is imported on offline paths except
`load_prompt`, which needs no LangChain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aismm_assistant.errors import AismmError, ValidationError

OFFLINE = "offline"
_PROVIDER_PACKAGES = {
    "openai": ("langchain_openai", "langchain-openai", "OPENAI_API_KEY"),
    "anthropic": ("langchain_anthropic", "langchain-anthropic", "ANTHROPIC_API_KEY"),
    "ollama": ("langchain_ollama", "langchain-ollama", None),
}
_test_models: dict[str, Any] = {}


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str
    sha256: str

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.sha256[:12]}"


def load_prompt(name: str, prompts_dir: Path | None = None) -> Prompt:
    """Read prompts/<name> (e.g. 'answer.md'); its hash is recorded with every proposal it shapes."""
    from aismm_assistant.settings import get_settings

    path = Path(prompts_dir or get_settings().prompts_dir) / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AismmError(f"prompt file {path} is missing") from None
    return Prompt(name=name, text=text, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def register_test_model(spec: str, model: Any) -> None:
    """Tests register a fake chat model under a spec such as 'fake:scripted'."""
    _test_models[spec] = model


def unregister_test_models() -> None:
    _test_models.clear()


def resolve_llm_spec(spec: str | None) -> str:
    from aismm_assistant.settings import get_settings

    value = (spec or get_settings().llm or OFFLINE).strip()
    return value or OFFLINE


def load_chat_model(spec: str | None) -> Any | None:
    """A LangChain chat model for `spec`, or None for the offline engine."""
    value = resolve_llm_spec(spec)
    if value.lower() == OFFLINE:
        return None
    if value in _test_models:
        return _test_models[value]
    if ":" not in value:
        raise ValidationError(f"--llm {value!r}: use 'offline' or provider:model, e.g. openai:gpt-4o-mini")
    provider = value.split(":", 1)[0]
    pkg = _PROVIDER_PACKAGES.get(provider)
    if pkg:
        import importlib.util
        import os

        if importlib.util.find_spec(pkg[0]) is None:
            raise AismmError(f"--llm {value}: install {pkg[1]} (pip install {pkg[1]}) or choose --llm offline")
        if pkg[2] and not os.environ.get(pkg[2]):
            raise AismmError(f"set {pkg[2]} or choose --llm offline")
    try:
        from langchain.chat_models import init_chat_model
    except ImportError:
        raise AismmError("--llm needs the langchain package (pip install langchain) or choose --llm offline") from None

    from aismm_assistant.settings import get_settings

    kwargs: dict[str, Any] = {"temperature": 0}
    base_url = get_settings().llm_base_url
    if base_url:
        kwargs["base_url"] = base_url
    try:
        return init_chat_model(value, **kwargs)
    except Exception as exc:  # provider packages raise many kinds of errors
        raise AismmError(f"--llm {value}: {exc}") from None


def engine_name(spec: str | None) -> str:
    value = resolve_llm_spec(spec)
    return "offline" if value.lower() == OFFLINE else f"llm:{value}"
