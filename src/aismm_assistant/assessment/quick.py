"""The quick self-assessment: pick, per category, the level descriptor that fits (docs/process.md).

The seed calls it "a 30-minute exercise, not a six-week project". The result is an *indicative*
level per category, stored beside the KPI-based level and never mixed into it: where the two
disagree is where the KPI assessment should start.
"""

from __future__ import annotations

import re
from typing import Any

from aismm_assistant.assessment.actions import ensure_writable, parse_level, resolve_category
from aismm_assistant.assessment.record import Assessment, CategoryPublic, Change, IndicativeLevel, utcnow
from aismm_assistant.errors import ValidationError
from aismm_assistant.model import CATEGORY_NAMES, DOMAIN_OF, LEVEL_NAMES, Corpus

MAX_REASON = 300
_SET_RE = re.compile(r"^\s*([A-Za-z]{2,3})\s*[=:]\s*(.+?)\s*$")


def descriptors(corpus: Corpus, category_id: str) -> list[dict[str, Any]]:
    """The L1-L5 descriptors of a category, without the repeated level name at their start."""
    cat = corpus.category(category_id)
    if cat is None:
        return []
    out = []
    for lv in range(1, 6):
        text = " ".join((cat.levels.get(lv) or "").split())
        prefix = f"{LEVEL_NAMES[lv]} - "
        out.append({"level": lv, "name": LEVEL_NAMES[lv],
                    "text": text[len(prefix):] if text.startswith(prefix) else text})
    return out


def quick_form(record: Assessment, corpus: Corpus) -> dict[str, Any]:
    """What the quick self-assessment shows: for each in-scope category its scope, descriptors and answer."""
    cats = []
    for cid in record.scope.category_ids():
        cat = corpus.category(cid)
        if cat is None:
            continue
        rec = record.categories.get(cid)
        ind = rec.indicative if rec else None
        cats.append({
            "category": cid,
            "name": CATEGORY_NAMES[cid],
            "domain": DOMAIN_OF[cid],
            "scope": " ".join(cat.scope.split()),
            "owner_role": cat.owner_role,
            "descriptors": descriptors(corpus, cid),
            "indicative_level": ind.level if ind else None,
            "reason": ind.reason if ind else None,
            "by": ind.by if ind else None,
            "at": ind.at.isoformat() if ind else None,
        })
    done = sum(1 for c in cats if c["indicative_level"] is not None)
    return {"id": record.id, "organization": record.organization, "unit": record.unit,
            "categories": cats, "done": done, "total": len(cats)}


def parse_sets(items: list[str], reasons: list[str] | None = None) -> dict[str, tuple[int, str | None]]:
    """``["GOV=2", "mon=L3"]`` and ``["GOV=policy exists but no council"]`` -> {"GOV": (2, reason)}."""
    levels: dict[str, int] = {}
    for item in items:
        m = _SET_RE.match(item or "")
        if not m:
            raise ValidationError(f"invalid --set {item!r}; use CATEGORY=LEVEL, e.g. GOV=2")
        levels[m.group(1).upper()] = parse_level(m.group(2))
    why: dict[str, str] = {}
    for item in reasons or []:
        m = _SET_RE.match(item or "")
        if not m:
            raise ValidationError(f"invalid --reason {item!r}; use CATEGORY=TEXT")
        cid = m.group(1).upper()
        if cid not in levels:
            raise ValidationError(f"--reason for {cid} without --set {cid}=LEVEL")
        why[cid] = m.group(2)
    return {cid: (lv, why.get(cid)) for cid, lv in levels.items()}


def clean_reason(reason: str | None) -> str | None:
    text = " ".join((reason or "").split())
    if len(text) > MAX_REASON:
        raise ValidationError(f"a reason is one line of at most {MAX_REASON} characters ({len(text)} given)")
    return text or None


def set_indicative(record: Assessment, corpus: Corpus, levels: dict[str, tuple[Any, str | None]], *,
                   actor: str) -> list[str]:
    """Store indicative levels; every entry is checked before any is written. Returns the categories set."""
    ensure_writable(record)
    who = " ".join((actor or "").split())
    if not who:
        raise ValidationError("say who made the self-assessment (--by NAME)")
    if not levels:
        raise ValidationError("nothing to store: give at least one CATEGORY=LEVEL")
    checked = []
    for key, (level, reason) in levels.items():
        checked.append((resolve_category(record, corpus, key), parse_level(level), clean_reason(reason)))
    now = utcnow()
    for cid, lv, reason in checked:
        cat = record.category(cid)
        old = cat.indicative.level if cat.indicative else None
        cat.provenance.history.append(Change(at=now, actor=who, action="indicative", field="indicative_level",
                                             old=old, new=lv, rationale=reason))
        cat.indicative = IndicativeLevel(level=lv, reason=reason, by=who, at=now)
    return [c for c, _, _ in checked]


def annotate(categories: dict[str, CategoryPublic], record: Assessment) -> None:
    """Copy the process fields (indicative level, target owner, risk weight) into the public view."""
    from aismm_assistant.assessment.roadmap import risk_weights

    weights = risk_weights(record)
    for cid, pub in categories.items():
        rec = record.categories.get(cid)
        if rec is not None:
            pub.indicative_level = rec.indicative.level if rec.indicative else None
            pub.indicative_reason = rec.indicative.reason if rec.indicative else None
            pub.target_owner = rec.target_owner
        pub.risk_weight = weights.get(cid)


def disagreements(public: dict[str, Any]) -> list[dict[str, Any]]:
    """Categories whose indicative and KPI-based levels differ, widest gap first: where to assess first."""
    out = []
    for cid, c in public["categories"].items():
        ind, kpi = c.get("indicative_level"), c.get("level")
        if ind is None:
            continue
        if kpi is None:
            out.append({"category": cid, "name": c["name"], "indicative_level": ind, "level": None,
                        "difference": None, "reading": "no KPI assessment yet"})
        elif ind != kpi:
            out.append({"category": cid, "name": c["name"], "indicative_level": ind, "level": kpi,
                        "difference": ind - kpi,
                        "reading": "self-assessed higher than the KPIs show" if ind > kpi
                        else "KPIs show more than the self-assessment"})
    out.sort(key=lambda d: (-(abs(d["difference"]) if d["difference"] is not None else 9), d["category"]))
    return out
