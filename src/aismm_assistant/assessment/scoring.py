"""The scoring rule (DESIGN.md §2, stated in docs/scoring.md).

A category is at level L when every *applicable* objective of every level 2..L is ``met`` or
``not_applicable``; otherwise it is one below the first level that falls short (L1 when L2 is not
complete). An objective applies when its deployment types are ``All`` or share a type with the
scope. A level with no applicable objective is vacuously complete. Progress toward the next level
counts ``met``/``not_applicable`` as 1 and ``partial`` as 0.5 over the applicable objectives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from aismm_assistant.model import DOMAINS, Category, Corpus

STATUSES: tuple[str, ...] = ("met", "partial", "not_met", "not_applicable", "unknown")
COMPLETE = frozenset({"met", "not_applicable"})


@dataclass
class LevelTally:
    level: int
    applicable: list[str]
    complete: list[str]
    partial: list[str]

    @property
    def is_complete(self) -> bool:
        return len(self.complete) == len(self.applicable)

    @property
    def progress(self) -> float:
        if not self.applicable:
            return 1.0
        return round((len(self.complete) + 0.5 * len(self.partial)) / len(self.applicable), 4)


@dataclass
class CategoryScore:
    category: str
    level: int
    next_level: int | None
    next_level_progress: float | None
    blocking: list[str] = field(default_factory=list)
    per_level: dict[int, LevelTally] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "level": self.level,
            "next_level": self.next_level,
            "next_level_progress": self.next_level_progress,
            "blocking": list(self.blocking),
            "per_level": {
                str(lv): {
                    "applicable": len(t.applicable),
                    "complete": len(t.complete),
                    "partial": len(t.partial),
                    "progress": t.progress,
                }
                for lv, t in self.per_level.items()
            },
        }


def score_category(
    category: Category, statuses: Mapping[str, str], scope: Iterable[str] | None = None
) -> CategoryScore:
    """Level of one category from per-objective statuses (missing = unknown)."""
    scope_list = list(scope) if scope is not None else None
    tallies: dict[int, LevelTally] = {}
    for lv in range(2, 6):
        applicable = [c.id for c in category.controls_at(lv) if c.applies_to(scope_list)]
        tallies[lv] = LevelTally(
            level=lv,
            applicable=applicable,
            complete=[cid for cid in applicable if statuses.get(cid, "unknown") in COMPLETE],
            partial=[cid for cid in applicable if statuses.get(cid, "unknown") == "partial"],
        )
    level = 1
    for lv in range(2, 6):
        if not tallies[lv].is_complete:
            break
        level = lv
    nxt = level + 1 if level < 5 else None
    blocking = (
        [cid for cid in tallies[nxt].applicable if cid not in tallies[nxt].complete] if nxt is not None else []
    )
    return CategoryScore(
        category=category.id,
        level=level,
        next_level=nxt,
        next_level_progress=tallies[nxt].progress if nxt is not None else None,
        blocking=blocking,
        per_level=tallies,
    )


def score_program(
    corpus: Corpus,
    statuses: Mapping[str, str],
    scope: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    targets: Mapping[str, int] | None = None,
    assessed: Iterable[str] | None = None,
) -> dict:
    """Per-category levels, a per-domain and overall summary, and gaps to targets.

    ``assessed`` names the categories whose level stands (state ``assessed``); means, lowest levels
    and gaps cover those only, so a category nobody assessed never counts as L1. ``None`` = all.
    """
    wanted = set(categories) if categories else None
    scope_list = list(scope) if scope is not None else None
    cats = {c.id: score_category(c, statuses, scope_list) for c in corpus.categories if not wanted or c.id in wanted}
    counted = set(cats) if assessed is None else set(assessed) & set(cats)
    domains = {}
    for domain, prefixes in DOMAINS.items():
        in_domain = [p for p in prefixes if p in cats]
        levels = [cats[p].level for p in in_domain if p in counted]
        if in_domain:
            domains[domain] = {
                "mean_level": round(sum(levels) / len(levels), 2) if levels else None,
                "min_level": min(levels) if levels else None,
                "assessed": len(levels),
                "categories": len(in_domain),
            }
    all_levels = [cats[c].level for c in cats if c in counted]
    gaps = []
    for cid, target in (targets or {}).items():
        if cid in counted and target > cats[cid].level:
            gaps.append({"category": cid, "current": cats[cid].level, "target": target, "gap": target - cats[cid].level})
    return {
        "categories": {cid: s.as_dict() for cid, s in cats.items()},
        "domains": domains,
        "overall": {"mean_level": round(sum(all_levels) / len(all_levels), 2) if all_levels else None,
                    "assessed": len(all_levels), "categories": len(cats)},
        "gaps": gaps,
    }
