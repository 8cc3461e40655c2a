"""A scripted chat model for LLM-mode tests: subclasses the real LangChain base, no mocks."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult


class ScriptedJudge(BaseChatModel):
    """Returns a fixed tool call (the structured judgement) and records the prompts it was given."""

    judgement: dict
    prompts: list = []

    @property
    def _llm_type(self) -> str:
        return "scripted-judge"

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedJudge:
        return self

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        self.prompts.append(messages)
        call = {"name": "Judgement", "args": self.judgement, "id": "call-1", "type": "tool_call"}
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="", tool_calls=[call]))])
