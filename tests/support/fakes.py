"""Fake LangChain chat models: real BaseChatModel subclasses with scripted replies, no network.

`{cite}` in a scripted reply becomes the first control ID cited in the prompt's context, so one
script works whatever retrieval returned.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import Field

_CONTEXT_ID_RE = re.compile(r"\[([A-Z]{2,3}-0[2-5]\.\d+)\]")


class ScriptedChatModel(FakeListChatModel):
    """Cycles through `responses`; records every prompt it was given in `history`."""

    history: list[str] = Field(default_factory=list)

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:  # noqa: ARG002 - API shape
        return self

    def _call(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> str:
        prompt = "\n".join(str(m.content) for m in messages)
        self.history.append(prompt)
        reply = super()._call(messages, stop=stop, run_manager=run_manager, **kwargs)
        ids = _CONTEXT_ID_RE.findall(prompt)
        return reply.replace("{cite}", ids[0] if ids else "")


def citing_model() -> ScriptedChatModel:
    """Answers with one honest citation of the retrieved context."""
    return ScriptedChatModel(responses=["According to the context, the objective requires a registry [{cite}]."])


def inventing_model() -> ScriptedChatModel:
    """Cites the context, then invents one non-existent control and one real but unretrieved control."""
    return ScriptedChatModel(
        responses=[
            "The objective requires a pinned registry [{cite}]. It also needs quarterly audits "
            "[GOV-09.9] and a council charter [IR-05.2]."
        ]
    )
