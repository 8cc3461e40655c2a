"""The one seam between an interview and its judgement: an `Analyser`, chosen once by `get_analyser`.

Every surface (live interview, API, `aismm assess replay`, `aismm eval`) asks `get_analyser(spec)` for the
analyser and records `analyser.provenance`: the engine that actually ran, its model and the hashes of the
prompt files it used. Nothing else decides "offline or LLM?", so the label cannot disagree with the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from aismm_assistant.interview.analysis import CategoryProposal, TurnInput, analyse

if TYPE_CHECKING:
    from aismm_assistant.llm import Prompt
    from aismm_assistant.model import Category

OFFLINE_ENGINE = "offline"


@dataclass(frozen=True)
class EngineProvenance:
    """What produced a proposal: `offline`, or `llm:<spec>` with the model and the prompt files (name -> sha256)."""

    engine: str = OFFLINE_ENGINE
    model: str | None = None
    prompts: Mapping[str, str] = field(default_factory=dict)

    @property
    def offline(self) -> bool:
        return self.engine == OFFLINE_ENGINE

    def key(self) -> tuple:
        return (self.engine, self.model, tuple(sorted(self.prompts.items())))

    def as_dict(self) -> dict:
        return {"engine": self.engine, "model": self.model, "prompts": dict(self.prompts)}


@runtime_checkable
class Analyser(Protocol):
    """Propose a status per objective and a level for one category from its interview turns."""

    provenance: EngineProvenance

    def assess(self, category: Category, turns: Sequence[TurnInput],
               scope: Iterable[str] | None) -> CategoryProposal: ...


class OfflineAnalyser:
    """The deterministic offline engine (analysis.py, signals.py and the learned status model)."""

    def __init__(self, status_model: bool = True) -> None:
        self.status_model = status_model
        self.provenance = EngineProvenance()

    def assess(self, category: Category, turns: Sequence[TurnInput],
               scope: Iterable[str] | None) -> CategoryProposal:
        return analyse(category, turns, scope, status_model=self.status_model)


class LLMAnalyser:
    """A LangChain chat model's judgement, checked afterwards by the offline engine's rules (judge.py)."""

    def __init__(self, chat_model: Any, spec: str, prompt: Prompt | None = None) -> None:
        from aismm_assistant.llm import load_prompt

        self.chat_model = chat_model
        self.prompt = prompt or load_prompt("judge.md")
        self.provenance = EngineProvenance(f"llm:{spec}", spec, {self.prompt.name: self.prompt.sha256})

    def assess(self, category: Category, turns: Sequence[TurnInput],
               scope: Iterable[str] | None) -> CategoryProposal:
        from aismm_assistant.interview.judge import judge_category

        return judge_category(self.chat_model, category, turns, scope, engine=self.provenance.engine,
                              template=self.prompt.text)


def get_analyser(spec: str | None = None) -> Analyser:
    """The analyser for `spec` ('offline', or a chat model such as openai:gpt-4o-mini); None reads AISMM_LLM.

    The only place where the engine is chosen: an explicit spec wins over the setting, the setting over the
    offline default. Errors (missing provider package or key) are raised here, before anything runs.
    """
    from aismm_assistant.llm import load_chat_model, resolve_llm_spec

    value = resolve_llm_spec(spec)
    if value.lower() == OFFLINE_ENGINE:
        return OfflineAnalyser()
    return LLMAnalyser(load_chat_model(value), value)


def assess_category(category_id: str, turns: Sequence[TurnInput], scope: Iterable[str] | None,
                    analyser: Analyser | None = None, corpus: Any = None) -> CategoryProposal:
    """Assess one category by ID with `analyser` (default: `get_analyser()`)."""
    from aismm_assistant.corpus import get_category, load_corpus

    category = get_category(category_id, corpus or load_corpus())
    return (analyser or get_analyser()).assess(category, list(turns), scope)
