"""Cross-category prerequisites as data (``corpus/dependencies.yaml``).

The seed says some categories' Level 4 capabilities assume other categories are at Level 3
first. Each entry states that a category level needs other categories at a level; the corpus
loader validates them and lookup, the category listing and the roadmap read them from here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aismm_assistant.errors import CorpusError
from aismm_assistant.model import CATEGORY_ORDER

if TYPE_CHECKING:
    from aismm_assistant.model import Corpus


class Prerequisite(BaseModel):
    """``category`` at ``level`` assumes each category in ``requires`` at least at its level."""

    model_config = ConfigDict(extra="forbid")

    category: str
    level: int = Field(ge=2, le=5)
    requires: dict[str, int] = Field(min_length=1)
    why: str = Field(min_length=10)

    @field_validator("category")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in CATEGORY_ORDER:
            raise ValueError(f"unknown category {v!r}")
        return v

    @field_validator("requires")
    @classmethod
    def _reqs(cls, v: dict[str, int]) -> dict[str, int]:
        for cat, lvl in v.items():
            if cat not in CATEGORY_ORDER:
                raise ValueError(f"requires unknown category {cat!r}")
            if not isinstance(lvl, int) or not 2 <= lvl <= 5:
                raise ValueError(f"requires {cat} at level {lvl!r}: levels are 2-5")
        return v

    def public(self) -> dict[str, Any]:
        return {"category": self.category, "level": self.level,
                "requires": [{"category": c, "level": lv} for c, lv in self.requires.items()], "why": self.why}


def parse_prerequisites(data: object, where: str) -> list[Prerequisite]:
    if not isinstance(data, dict) or not isinstance(data.get("prerequisites"), list):
        raise CorpusError(f"{where}: expected a mapping with a 'prerequisites' list")
    out: list[Prerequisite] = []
    for i, raw in enumerate(data["prerequisites"], 1):
        try:
            p = Prerequisite.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(x) for x in first.get("loc", ()))
            msg = first.get("msg", "invalid").removeprefix("Value error, ")
            raise CorpusError(f"{where}: entry {i}: {loc + ': ' if loc else ''}{msg}") from None
        if p.category in p.requires:
            raise CorpusError(f"{where}: entry {i}: {p.category} L{p.level} cannot require its own category")
        if any((q.category, q.level) == (p.category, p.level) for q in out):
            raise CorpusError(f"{where}: entry {i}: {p.category} L{p.level} listed twice")
        out.append(p)
    _check_cycles(out, where)
    return out


def _check_cycles(items: list[Prerequisite], where: str) -> None:
    """A needs B at level l, B (at l or below) needs A at a level A only reaches after: a deadlock."""
    def needs(cat: str, level: int) -> dict[str, int]:
        acc: dict[str, int] = {}
        for p in items:
            if p.category == cat and p.level <= level:
                for c, lv in p.requires.items():
                    acc[c] = max(acc.get(c, 0), lv)
        return acc

    for p in items:
        stack, seen = [(c, lv) for c, lv in p.requires.items()], set()
        while stack:
            cat, lv = stack.pop()
            if cat == p.category and lv >= p.level:
                raise CorpusError(f"{where}: {p.category} L{p.level} depends on itself through other categories")
            if (cat, lv) in seen:
                continue
            seen.add((cat, lv))
            stack.extend(needs(cat, lv).items())


def load_prerequisites(path: Path) -> list[Prerequisite]:
    from aismm_assistant.yamlio import read_yaml

    return parse_prerequisites(read_yaml(path), str(path))


def prerequisites_for(corpus: Corpus, category: str, level: int | None = None) -> list[dict[str, Any]]:
    """Prerequisites of a category (all levels, or those up to ``level``), as public dicts."""
    return [p.public() for p in corpus.prerequisites
            if p.category == category and (level is None or p.level <= level)]
