"""The roadmap (gaps ordered by dependencies, risk and level, with owners and dates) and the diff.

Order (docs/process.md): a step never comes before the steps it depends on (its own category's
lower level, and the other categories' levels that the corpus lists as prerequisites). Among
the steps whose dependencies are planned, the category with the higher risk weight goes first,
then the lower level, then foundational before structural before procedural.
"""

from __future__ import annotations

import heapq
from datetime import date
from typing import Any

from aismm_assistant.assessment.actions import ensure_writable, parse_date, resolve_category
from aismm_assistant.assessment.record import Assessment, Change, StepPlan
from aismm_assistant.assessment.scoring import COMPLETE, score_category
from aismm_assistant.errors import ValidationError
from aismm_assistant.model import CATEGORY_NAMES, CATEGORY_ORDER, DOMAIN_OF, DOMAINS, Corpus

_DOMAIN_RANK = {d: i for i, d in enumerate(DOMAINS)}
RISK_BASE = 2
# Deployment types and AI usage raise the default risk weight of the categories they expose most.
DEPLOYMENT_RISK: dict[str, tuple[str, ...]] = {
    "Self-hosted": ("INF", "MOD"),
    "PaaS": ("IAM", "INF"),
    "API/SaaS": ("RSK", "DAT"),
}
AI_USAGE: dict[str, tuple[str, tuple[str, ...]]] = {
    "customer-facing": ("AI features used by customers or the public", ("APP", "MON", "IR")),
    "sensitive-data": ("personal, health, financial or secret data reaches AI systems", ("DAT", "CMP")),
    "agents": ("AI agents act with tools, credentials or write access", ("IAM", "APP", "MON")),
    "model-training": ("models are trained or fine-tuned in house", ("MOD", "DAT", "DEV")),
    "code-generation": ("AI writes or reviews production code", ("DEV", "APP")),
    "internal-productivity": ("staff use AI assistants for everyday work", ("GOV", "DAT")),
    "regulated": ("AI use falls under sector or AI-specific regulation", ("CMP", "RSK", "GOV")),
}


def step_key(category: str, level: int) -> str:
    return f"{category}-L{level}"


def parse_step_key(key: str) -> tuple[str, int]:
    cat, _, lv = (key or "").strip().upper().partition("-L")
    if cat not in CATEGORY_ORDER or not lv.isdigit() or not 2 <= int(lv) <= 5:
        raise ValidationError(f"invalid roadmap step {key!r}; use CATEGORY-LEVEL, e.g. MON-L3")
    return cat, int(lv)


# ------------------------------------------------------------------ dependencies and risk


def corpus_prerequisites(corpus: Corpus) -> list[dict[str, Any]]:
    """Cross-category prerequisites from the corpus as ``{category, level, requires: {CAT: level}, why}``.

    The one place the roadmap reads them; a corpus without any gives [].
    """
    out = []
    for p in getattr(corpus, "prerequisites", None) or []:
        d = p if isinstance(p, dict) else p.model_dump()
        req = d.get("requires") or {}
        if isinstance(req, list):
            req = {r["category"]: int(r["level"]) for r in req}
        out.append({"category": d["category"], "level": int(d["level"]), "requires": dict(req),
                    "why": d.get("why", "")})
    return out


def default_risk(record: Assessment) -> dict[str, tuple[int, list[str]]]:
    """Per category: the default weight (1-5) and the deployment types / AI usage that raised it."""
    out: dict[str, tuple[int, list[str]]] = {}
    for cid in CATEGORY_ORDER:
        because = [f"deployment {t}" for t in record.scope.deployment_types if cid in DEPLOYMENT_RISK.get(t, ())]
        because += [f"AI usage {u}" for u in record.ai_usage if cid in AI_USAGE.get(u, ("", ()))[1]]
        out[cid] = (min(5, RISK_BASE + len(because)), because)
    return out


def risk_weights(record: Assessment) -> dict[str, int]:
    """The weight each category carries in the roadmap: the organisation's own, else the default."""
    defaults = default_risk(record)
    weights = {}
    for cid in CATEGORY_ORDER:
        rec = record.categories.get(cid)
        weights[cid] = rec.risk_weight if rec and rec.risk_weight else defaults[cid][0]
    return weights


def set_risk(record: Assessment, corpus: Corpus, weights: dict[str, int | None], *,
             ai_usage: list[str] | None = None, actor: str) -> None:
    """Set (or with None, reset to default) per-category risk weights and the AI usage profile."""
    ensure_writable(record)
    usage = None
    if ai_usage is not None:
        usage = []
        for u in ai_usage:
            key = u.strip().lower()
            if key not in AI_USAGE:
                raise ValidationError(f"unknown AI usage {u!r}; use {', '.join(AI_USAGE)}")
            if key not in usage:
                usage.append(key)
    checked = []
    for cat, w in weights.items():
        cid = resolve_category(record, corpus, cat)
        if w is not None and (not isinstance(w, int) or not 1 <= w <= 5):
            raise ValidationError(f"risk weight for {cid} must be 1-5, got {w!r}")
        checked.append((cid, w))
    who = " ".join((actor or "").split()) or "assessor"
    if usage is not None and usage != record.ai_usage:
        record.history.append(Change(actor=who, action="ai-usage", field="ai_usage", old=record.ai_usage, new=usage))
        record.ai_usage = usage
    for cid, w in checked:
        cat = record.category(cid)
        cat.provenance.history.append(Change(actor=who, action="risk", field="risk_weight", old=cat.risk_weight, new=w))
        cat.risk_weight = w


def set_step(record: Assessment, key: str, *, owner: str | None = None, due: Any = None, actor: str,
             clear: bool = False) -> str:
    """Give a roadmap step an owner and a due date (``clear`` drops both)."""
    ensure_writable(record)
    cid, lv = parse_step_key(key)
    if cid not in record.scope.category_ids():
        raise ValidationError(f"category {cid} is outside the scope of assessment {record.id}")
    k = step_key(cid, lv)
    plan = record.plan.get(k) or StepPlan()
    owner_v = plan.owner if owner is None else (" ".join(owner.split()) or None)
    if owner_v and len(owner_v) > 200:
        raise ValidationError("an owner name is at most 200 characters")
    due_v = plan.due if due is None else (parse_date(due) if due != "" else None)
    new = StepPlan() if clear else StepPlan(owner=owner_v, due=due_v)
    record.history.append(Change(actor=" ".join((actor or "").split()) or "assessor", action="plan", field=k,
                                 old=plan.model_dump(mode="json"), new=new.model_dump(mode="json")))
    if new.owner is None and new.due is None:
        record.plan.pop(k, None)
    else:
        record.plan[k] = new
    return k


# ------------------------------------------------------------------ the roadmap


def roadmap(record: Assessment, corpus: Corpus, *, to_level: int | None = None, today: date | None = None,
            prerequisites: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Steps up the levels in the order described at the top of this module.

    Each in-scope category climbs to its target (or ``to_level``; or the next level without a
    target); levels other categories need first are added as prerequisite steps.
    """
    scope = record.scope.deployment_scope()
    statuses = record.effective_statuses()
    in_scope = [c for c in record.scope.category_ids() if corpus.category(c) is not None
                and not getattr(record.categories.get(c), "excluded", False)]  # an excluded category has no gaps
    current = {cid: score_category(corpus.category(cid), statuses, scope).level for cid in in_scope}  # type: ignore[arg-type]
    prereqs = corpus_prerequisites(corpus) if prerequisites is None else prerequisites
    weights = risk_weights(record)
    try:  # category states (not_assessed / in_progress / assessed), where the summary provides them
        from aismm_assistant.assessment.states import category_states
    except ImportError:
        states: dict[str, str] = {}
    else:
        states = category_states(record, corpus)
    reasons: dict[tuple[str, int], list[str]] = {}
    for cid in in_scope:
        rec = record.categories.get(cid)
        target = to_level or (rec.target_level if rec and rec.target_level else min(5, current[cid] + 1))
        for lv in range(current[cid] + 1, target + 1):
            reasons.setdefault((cid, lv), []).append(f"target L{target}" if to_level or (rec and rec.target_level)
                                                     else "next level")
    # close over prerequisites: a planned step pulls in the levels it assumes elsewhere
    assumes: dict[tuple[str, int], list[str]] = {}
    changed = True
    while changed:
        changed = False
        for (cid, lv) in list(reasons):
            for p in prereqs:
                if p["category"] != cid or p["level"] > lv:
                    continue
                for rc, rl in p["requires"].items():
                    if rc not in current:
                        note = f"assumes {rc} at L{rl} (outside this assessment's scope)"
                        if note not in assumes.setdefault((cid, lv), []):
                            assumes[(cid, lv)].append(note)
                        continue
                    for k in range(current[rc] + 1, rl + 1):
                        why = f"prerequisite of {step_key(cid, p['level'])}"
                        if why not in reasons.setdefault((rc, k), []):
                            reasons[(rc, k)].append(why)
                            changed = True
    deps: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for (cid, lv) in reasons:
        d = [(cid, lv - 1)] if (cid, lv - 1) in reasons else []
        for p in prereqs:
            if p["category"] == cid and p["level"] <= lv:
                d += [(rc, rl) for rc, rl in p["requires"].items() if (rc, rl) in reasons and (rc, rl) not in d]
        deps[(cid, lv)] = d
    ordered = _topological(reasons, deps, weights)
    steps = [_step(record, corpus, cid, lv, current[cid], statuses, scope, weights[cid], deps[(cid, lv)],
                   reasons[(cid, lv)], assumes.get((cid, lv), []))
             for cid, lv in ordered]
    for s in steps:
        s["state"] = states.get(s["category"])
    _check_dates(steps, today or date.today())
    return steps


def _topological(nodes: dict[tuple[str, int], Any], deps: dict[tuple[str, int], list[tuple[str, int]]],
                 weights: dict[str, int]) -> list[tuple[str, int]]:
    def rank(n: tuple[str, int]) -> tuple[int, int, int, int]:
        return (-weights[n[0]], n[1], _DOMAIN_RANK[DOMAIN_OF[n[0]]], CATEGORY_ORDER.index(n[0]))

    waiting = {n: set(d) for n, d in deps.items()}
    ready = [(rank(n), n) for n, d in waiting.items() if not d]
    heapq.heapify(ready)
    out: list[tuple[str, int]] = []
    while ready:
        _, n = heapq.heappop(ready)
        out.append(n)
        for m, d in waiting.items():
            if n in d:
                d.discard(n)
                if not d:
                    heapq.heappush(ready, (rank(m), m))
    if len(out) != len(nodes):  # a cycle in the corpus data: keep the rest in rank order, never drop a step
        out += sorted((n for n in nodes if n not in out), key=rank)
    return out


def _step(record: Assessment, corpus: Corpus, cid: str, lv: int, current: int, statuses: dict[str, str],
          scope: list[str] | None, weight: int, deps: list[tuple[str, int]], why: list[str],
          assumes: list[str]) -> dict[str, Any]:
    cat = corpus.category(cid)
    rec = record.categories.get(cid)
    plan = record.plan.get(step_key(cid, lv))
    in_target = bool(rec and rec.target_level and lv <= rec.target_level)
    if plan and plan.owner:
        owner, owner_source = plan.owner, "step"
    elif in_target and rec and rec.target_owner:
        owner, owner_source = rec.target_owner, "target"
    else:
        owner, owner_source = (cat.owner_role or None), "role"  # type: ignore[union-attr]
    if plan and plan.due:
        due, due_source = plan.due.isoformat(), "step"
    elif in_target and rec and rec.target_date:
        due, due_source = rec.target_date.isoformat(), "target"
    else:
        due, due_source = None, None
    missing = [{"control_id": c.id, "name": c.name, "status": statuses.get(c.id, "unknown")}
               for c in cat.controls_at(lv)  # type: ignore[union-attr]
               if c.applies_to(scope) and statuses.get(c.id, "unknown") not in COMPLETE]
    return {
        "key": step_key(cid, lv),
        "category": cid,
        "name": CATEGORY_NAMES[cid],
        "domain": DOMAIN_OF[cid],
        "from_level": lv - 1,
        "to_level": lv,
        "current_level": current,
        "target_level": rec.target_level if rec else None,
        "target_date": rec.target_date.isoformat() if rec and rec.target_date else None,
        "risk_weight": weight,
        "depends_on": [step_key(c, v) for c, v in deps],
        "why": why,
        "assumes": assumes,
        "owner": owner,
        "owner_source": owner_source,
        "due": due,
        "due_source": due_source,
        "objectives": missing,
        "warnings": [],
    }


def _check_dates(steps: list[dict[str, Any]], today: date) -> None:
    """Number the steps; flag dates in the past and steps due before what they depend on."""
    by_key = {s["key"]: s for s in steps}
    for i, s in enumerate(steps, 1):
        s["priority"] = s["order"] = i
        if s["due"] and date.fromisoformat(s["due"]) < today:
            s["warnings"].append(f"due {s['due']} is in the past")
        for k in s["depends_on"]:
            dep = by_key.get(k)
            if s["due"] and dep and dep["due"] and dep["due"] > s["due"]:
                s["warnings"].append(f"due before {k} it depends on ({dep['due']})")
