"""Reading the model: health, the control list, one control, search and questions with citations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from aismm_assistant.api.auth import StoreDep, UserDep
from aismm_assistant.errors import ValidationError

router = APIRouter(prefix="/api", tags=["lookup"])


class AskBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=2000, description="A free question about the model.")


@router.get("/health")
def health() -> dict:
    """Liveness for load balancers; needs no token."""
    from aismm_assistant import __version__

    return {"status": "ok", "version": __version__}


@router.get("/me")
def me(user: UserDep, store: StoreDep) -> dict:
    """Who the token belongs to, and the interviews assigned to them (what the pages show first)."""
    from aismm_assistant.interview.flow import may_open

    interviews = [
        row.public() for row in store.list_interviews()
        if user.is_staff or may_open(row, user.id)
    ]
    return {"id": user.id, "name": user.name, "role": user.role, "interviews": interviews}


@router.get("/controls")
def list_controls(user: UserDep) -> dict:
    """Categories and objectives, as `aismm corpus list --json`."""
    from aismm_assistant.corpus import corpus_provenance, load_corpus
    from aismm_assistant.prerequisites import prerequisites_for

    corpus = load_corpus()
    return {
        "corpus": {
            "name": corpus.meta.name,
            "version": corpus.meta.version,
            "hash": corpus.content_hash,
            "representative": corpus.meta.representative,
            "official": corpus_provenance(corpus)["official"],
        },
        "categories": [
            {"id": c.id, "name": c.name, "domain": c.domain, "levels": {str(k): v for k, v in c.levels.items()},
             "prerequisites": prerequisites_for(corpus, c.id)}
            for c in corpus.categories
        ],
        "controls": [
            {"id": ctl.id, "category": ctl.category, "level": ctl.level, "name": ctl.name}
            for ctl in corpus.controls
        ],
    }


@router.get("/controls/{control_id}")
def get_control(control_id: str, user: UserDep) -> dict:
    """One objective, IDs written loosely (mod-03.1, MOD-3.1, 'MOD 03.1'), as `aismm lookup --json`."""
    from aismm_assistant.corpus import corpus_provenance, load_corpus
    from aismm_assistant.corpus import get_control as lookup
    from aismm_assistant.prerequisites import prerequisites_for

    corpus = load_corpus()
    control = lookup(control_id, corpus)
    data = {"control": control.public(), "prerequisites": prerequisites_for(corpus, control.category, control.level),
            "corpus": corpus_provenance(corpus)}
    if control.question:
        data["control"]["question"] = control.question
    return data


@router.get("/search")
def search(
    user: UserDep,
    q: Annotated[str, Query(min_length=1, max_length=500, description="What to look for.")],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    category: Annotated[str | None, Query(max_length=8)] = None,
    level: Annotated[int | None, Query(ge=2, le=5, description="Objectives exist at L2-L5.")] = None,
    deployment: Annotated[str | None, Query(max_length=32)] = None,
) -> dict:
    """Hybrid search over the objectives, as `aismm search --json`."""
    from aismm_assistant import service

    return service.search(q, k=k, category=category, level=level, deployment=deployment)


@router.post("/ask")
def ask(body: AskBody, user: UserDep) -> dict:
    """A free question answered from the model with checked citations, as `aismm ask --json`."""
    if not body.question.strip():
        raise ValidationError("question: empty")
    from aismm_assistant import service

    return service.ask(body.question)
