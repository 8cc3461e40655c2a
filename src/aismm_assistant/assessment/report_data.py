"""Everything the board report shows, computed once from the record: the renderers only format.

Markdown, HTML (and so PDF) and docx read the same dictionary, so the four formats agree on what
was assessed, who signed off and which evidence stands behind each objective.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from aismm_assistant.assessment.record import Assessment, AssessmentPublic, ControlResult
from aismm_assistant.assessment.roadmap import roadmap
from aismm_assistant.assessment.summary import to_public
from aismm_assistant.model import CATEGORY_ORDER, DOMAIN_OF, DOMAINS, Corpus

STATUS_LABEL = {"met": "Met", "partial": "Partial", "not_met": "Not met", "not_applicable": "N/A", "unknown": "Unknown"}
STATE_LABEL = {"not_assessed": "Not assessed", "in_progress": "In progress", "assessed": "Assessed"}
TOP_GAPS = 5
SCORING_RULE = (
    "A category is at level L when every applicable objective of every level 2..L is Met (or not "
    "applicable); otherwise it is one below the first level that falls short, and L1 when L2 is not "
    "complete. Only statuses a person set or confirmed count; a proposal from the interview engine is "
    "shown beside them and never counts until reviewed. A level stands once an assessor has confirmed "
    "it (with every proposal in the category decided, or the pending ones acknowledged with a reason) "
    "or every applicable objective has a decided status. Categories not assessed have no level and are "
    "left out of means, charts and gaps; excluded categories are listed with the reason."
)
_TURN = re.compile(r"\bturn (\d+)\b")


def answer_label(turn: int) -> str:
    """Interview turns are stored from 0; people (and the review page) count answers from 1."""
    return f"answer {turn + 1}"


def source_label(source: str) -> str:
    """'interview int-1 turn 2' (as stored) -> 'interview int-1, answer 3' (as the review page says)."""
    return _TURN.sub(lambda m: answer_label(int(m.group(1))), source or "manual").replace(" answer", ", answer")


def corpus_provenance(corpus: Corpus) -> dict[str, Any]:
    """Name, version, hash and whether the text is CSA's own (swap for corpus.corpus_provenance once merged)."""
    try:
        from aismm_assistant.corpus import corpus_provenance as shared  # type: ignore[attr-defined]

        return dict(shared(corpus))
    except ImportError:
        meta = corpus.meta
        official = getattr(meta, "official", None)
        if official is None:
            official = not meta.representative and meta.version == "imported"
        return {"name": meta.name, "version": meta.version, "hash": corpus.content_hash, "official": bool(official)}


def _norm_org(name: str) -> str:
    return " ".join(name.casefold().split())


def previous_assessment(record: Assessment, others: list[Assessment]) -> Assessment | None:
    """The latest earlier assessment of the same organisation (final ones preferred), for the trend."""
    same = [o for o in others if o.id != record.id and _norm_org(o.organization) == _norm_org(record.organization)
            and o.created_at <= record.created_at]  # timestamps are to the second: a tie counts as earlier
    if not same:
        return None
    return max(same, key=lambda o: (o.status == "final", o.created_at))


AUTO = "auto"


def find_previous(record: Assessment) -> Assessment | None:
    """The organisation's previous assessment from the store (None when the store cannot be read)."""
    try:
        from aismm_assistant.assessment.storage import get_store

        return previous_assessment(record, get_store().list_assessments())
    except Exception:  # a report without a trend beats no report
        return None


def _date(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def _decision(res: ControlResult | None) -> dict[str, Any] | None:
    """Who decided the status, how (accepted, overridden, set by hand), when and why."""
    if res is None:
        return None
    p = res.provenance
    if p.confirmed is not None:
        kind = "accepted" if p.proposed is not None and p.proposed.status == p.confirmed else (
            "overridden" if p.proposed is not None else "set")
        return {"kind": kind, "by": p.confirmed_by, "at": _date(p.confirmed_at), "rationale": p.rationale,
                "proposed": p.proposed.status if p.proposed else None}
    if p.manual is not None:
        sets = [h for h in p.history if h.action in ("set", "import")]
        last = sets[-1] if sets else None
        return {"kind": "set", "by": last.actor if last else None, "at": _date(last.at) if last else None,
                "rationale": last.rationale if last else None, "proposed": None}
    return None


def _objective_row(control: Any, pub_row: Any, res: ControlResult | None) -> dict[str, Any]:
    p = res.provenance if res else None
    evidence = [{"text": e.text, "source": source_label(e.source), "by": e.supplied_by,
                 "as_of": _date(e.supplied_at)} for e in (res.evidence if res else [])]
    known = {e["text"] for e in evidence}
    quotes = []
    if p is not None and p.proposed is not None:
        for c in p.proposed.citations:
            if c.quote in known:
                continue  # accepted quotes are already evidence
            quotes.append({"quote": c.quote, "where": f"evidence file {c.evidence[:12]}, {c.locator}" if c.evidence
                           else f"interview {c.interview_id or p.proposed.interview_id or '?'}, {answer_label(c.turn or 0)}"})
    decision = _decision(res)
    quote_role = None
    if quotes:
        quote_role = ("cited by the proposal, awaiting review" if pub_row.pending else
                      "cited by the proposal the assessor overrode" if decision and decision["kind"] == "overridden"
                      else "cited by the proposal")
    return {
        "control_id": control.id, "level": control.level, "name": control.name,
        "status": pub_row.status, "pending": pub_row.pending, "proposed_status": pub_row.proposed_status,
        "proposal_rationale": p.proposed.rationale if p and p.proposed and p.proposed.rationale else None,
        "decision": decision, "evidence": evidence, "quotes": quotes, "quote_role": quote_role,
        "notes": res.notes if res else "", "stale": pub_row.stale,
        "substitute_kpi": res.substitute_kpi.model_dump() if res and res.substitute_kpi else None,
        "as_of": max([e["as_of"] for e in evidence if e["as_of"]] + ([decision["at"]] if decision and decision["at"]
                                                                       else []), default=None),
    }


def _signoff(record: Assessment, pub: AssessmentPublic) -> dict[str, Any]:
    cats = []
    for cid, c in pub.categories.items():
        rec = record.categories.get(cid)
        prov = rec.provenance if rec else None
        cats.append({
            "category": cid, "name": c.name, "state": c.state, "excluded": c.excluded,
            "state_label": "Excluded" if c.excluded else STATE_LABEL[c.state],
            "exclusion_reason": c.exclusion_reason, "level": c.level,
            "confirmed_level": prov.confirmed if prov else None,
            "by": prov.confirmed_by if prov else None, "at": _date(prov.confirmed_at) if prov else None,
            "rationale": prov.rationale if prov else None,
            "acknowledgement": prov.acknowledgement if prov else None,
            "pending_at_confirmation": list(prov.pending_at_confirmation) if prov else [],
            "current": bool(prov and prov.confirmed is not None and prov.confirmed == c.computed_level),
        })
    status_changes = [{"by": h.actor, "at": _date(h.at), "from": h.old, "to": h.new}
                      for h in record.history if h.action == "status"]
    decisions = {"accepted": 0, "overridden": 0, "set": 0}
    for res in record.results.values():
        d = _decision(res)
        if d:
            decisions[d["kind"]] += 1
    pending = sum(1 for r in record.results.values() if r.pending)
    return {"categories": cats, "status_changes": status_changes, "decisions": decisions, "pending": pending}


def _trend(record: Assessment, pub: AssessmentPublic, previous: Assessment | None, corpus: Corpus) -> dict | None:
    if previous is None:
        return None
    before = to_public(previous, corpus)
    rows = []
    for cid in CATEGORY_ORDER:
        a, b = before.categories.get(cid), pub.categories.get(cid)
        if a is None and b is None:
            continue
        la, lb = (a.level if a else None), (b.level if b else None)
        if la is None and lb is None:
            continue  # assessed in neither: nothing to compare
        rows.append({"category": cid, "before": la, "after": lb,
                     "change": lb - la if la is not None and lb is not None else None})
    return {"previous_id": previous.id, "previous_date": _date(previous.updated_at),
            "previous_status": previous.status, "mean_before": before.overall.get("mean_level"),
            "mean_after": pub.overall.get("mean_level"), "rows": rows}


def report_data(record: Assessment, corpus: Corpus, *, previous: Assessment | str | None = AUTO,
                now: datetime | None = None) -> dict[str, Any]:
    """Everything every renderer shows, computed once.

    ``previous`` is the assessment to show the trend against; ``"auto"`` looks it up in the store
    (same organisation, created earlier), so every surface that renders a report gets the trend.
    """
    if previous == AUTO:
        previous = find_previous(record)
    pub: AssessmentPublic = to_public(record, corpus, all_controls=True)
    by_id = {r.control_id: r for r in pub.results}
    assessed = [cid for cid, c in pub.categories.items() if c.level is not None]
    evidence: dict[str, dict[str, Any]] = {}
    for cid, c in pub.categories.items():
        cat = corpus.category(cid)
        rows, not_applicable = [], []
        for control in cat.controls if cat else []:
            r = by_id.get(control.id)
            if r is None:
                continue
            if not r.applicable:
                not_applicable.append(control.id)
                continue
            rows.append(_objective_row(control, r, record.results.get(control.id)))
        evidence[cid] = {"rows": rows if c.state != "not_assessed" and not c.excluded else [],
                         "not_applicable": not_applicable,
                         "as_of": max((r["as_of"] for r in rows if r["as_of"]), default=None)}
    gaps = []
    for cid in assessed:
        c = pub.categories[cid]
        if c.target_level and c.level is not None and c.target_level > c.level:
            gaps.append({"category": cid, "name": c.name, "current": c.level, "target": c.target_level,
                         "gap": c.target_level - c.level, "target_date": c.target_date.isoformat() if c.target_date else None,
                         "blocking": list(c.blocking), "domain": c.domain})
    domain_rank = {d: i for i, d in enumerate(DOMAINS)}
    gaps.sort(key=lambda g: (-g["gap"], g["current"], domain_rank[DOMAIN_OF[g["category"]]],
                             CATEGORY_ORDER.index(g["category"])))
    with_target = [c for c in pub.categories.values() if c.target_level and c.level is not None]
    dates = [d for e in evidence.values() for d in [r["as_of"] for r in e["rows"]] if d]
    return {
        "pub": pub,
        "generated": (now or datetime.now(UTC)).replace(microsecond=0),
        "assessed": assessed,
        "radar_axes": [(cid, pub.categories[cid].level, pub.categories[cid].target_level) for cid in assessed],
        "steps": [s for s in roadmap(record, corpus) if s["category"] in assessed],
        "unassessed_steps": [s for s in roadmap(record, corpus) if s["category"] not in assessed],
        "evidence": evidence,
        "gaps": gaps,
        "top_gaps": gaps[:TOP_GAPS],
        "at_target": sum(1 for c in with_target if c.level >= c.target_level),  # type: ignore[operator]
        "with_target": len(with_target),
        "trend": _trend(record, pub, previous if isinstance(previous, Assessment) else None, corpus),
        "signoff": _signoff(record, pub),
        "provenance": corpus_provenance(corpus),
        "representative": corpus.meta.representative,
        "evidence_range": (min(dates), max(dates)) if dates else None,
        "rule": SCORING_RULE,
        "state_label": STATE_LABEL,
    }
