"""Evidence requests: what to send, to whom, by when and why, drafted from each control's evidence list.

By default an assessment's requests cover what is still open *up to the category's target* (or the
next level when no target is set): objectives not met, proposals not yet reviewed, and answers due
for revalidation. A partial objective asks only for what is missing. Each request states its pass
criterion, the period and population the evidence must cover, and how to submit it; requests are
grouped by owner with due dates staggered by priority (priority 1 = blocks the next level).
``all_objectives=True`` keeps the earlier behaviour: every applicable objective not met, whole lists,
one due date (docs/reports.md).

The offline draft is complete on its own. With an LLM the wording of ``why`` and a short
``message`` may be polished, but the requested items always stay exactly as drafted (checked here,
whatever the model returns).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from typing import Any

from aismm_assistant.assessment.actions import parse_date
from aismm_assistant.assessment.record import Assessment
from aismm_assistant.assessment.scoring import COMPLETE
from aismm_assistant.errors import ValidationError
from aismm_assistant.model import CATEGORY_NAMES, CATEGORY_ORDER, DOMAINS, Control, Corpus

DEFAULT_DAYS = 14
STAGGER_DAYS = 14
PROMPT_FILE = "evidence_request.md"
HOW_TO_SUBMIT = (
    "Upload the files on the assessment page under the control ID (or send them to the assessor with the "
    "control ID in the subject); links to a document system are fine if the assessor can open them. Each file "
    "should show its date and who produced it."
)
_DOMAIN_RANK = {p: i for i, prefixes in enumerate(DOMAINS.values()) for p in prefixes}
_WORD = re.compile(r"[a-z0-9%]+")
_STOP = frozenset("a an the of for and or to in on with by at from per is are be all any each every that this "
                  "records record showing list".split())
_PERIOD = re.compile(
    r"\b(?:(?:within|in|over|during|for)\s+the\s+(?:last|past|previous)\s+(?P<n>\d+)\s+(?P<u>day|week|month|year)s?"
    r"|(?P<every>every|each)\s+(?P<n2>\d+)\s+(?P<u2>day|week|month|year)s?"
    r"|(?P<adv>quarterly|monthly|annually|yearly|weekly|daily))\b", re.I)


def _items(control: Control) -> list[str]:
    return list(control.evidence) or [f"Records showing that this is in place: {control.objective}"]


def _terms(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _missing_items(control: Control, supplied: list[str]) -> tuple[list[str], list[str]]:
    """(missing, already received) items of a partial objective.

    An item counts as received when one piece of evidence on file shares at least half of the item's
    content words (a named document, report or list is named again when it is supplied).
    """
    have = [_terms(t) for t in supplied]
    missing, received = [], []
    for item in _items(control):
        want = _terms(item)
        hit = bool(want) and any(len(want & h) * 2 >= len(want) for h in have)
        (received if hit else missing).append(item)
    return missing, received


def _measures(control: Control) -> list[dict[str, str]]:
    """The objective's checkable criteria, where the criteria parser is available (criteria.py)."""
    try:
        from aismm_assistant.criteria import criteria_for  # type: ignore[import-not-found]
    except ImportError:
        return []
    out = []
    for c in criteria_for(control):
        m = c.measure
        if m is not None:
            out.append({"criterion": c.text, "measure": m.describe(), "window": m.window, "population": m.population})
    return out


def _period(control: Control, measures: list[dict[str, str]]) -> str:
    windows = [m["window"] for m in measures if m.get("window")]
    if windows:
        return f"Evidence covering the last {windows[0]}, dated within that window."
    m = _PERIOD.search(control.objective)
    if m and m.group("n"):
        return f"Evidence covering the last {m.group('n')} {m.group('u').lower()}s, dated within that window."
    if m and m.group("every"):
        return (f"The last two cycles (the objective repeats every {m.group('n2')} {m.group('u2').lower()}s), "
                "so the cadence shows.")
    if m and m.group("adv"):
        return f"The last two {m.group('adv').lower()} cycles, so the cadence shows."
    return "A current, dated snapshot (taken within the last 30 days)."


def _population(control: Control, measures: list[dict[str, str]], scope: list[str] | None) -> str:
    pops = [m["population"] for m in measures if m.get("population")]
    where = ", ".join(scope) if scope else "every deployment type"
    if pops:
        return f"All {pops[0]} in scope ({where}), not a sample chosen by the team."
    return f"Every in-scope instance across {where}, or a random sample the assessor draws from the full list."


def _pass_criterion(control: Control, measures: list[dict[str, str]]) -> str:
    if measures:
        return control.objective + " Checked: " + "; ".join(f"{m['measure']}" for m in measures) + "."
    return control.objective


def _request(control: Control, corpus: Corpus, *, owner: str | None, due: date, status: str,
             scope: list[str] | None = None, items: list[str] | None = None, received: list[str] | None = None,
             priority: int | None = None, reason: str | None = None, notes: str = "") -> dict[str, Any]:
    cat = corpus.category(control.category)
    measures = _measures(control)
    out: dict[str, Any] = {
        "control_id": control.id,
        "name": control.name,
        "category": control.category,
        "level": control.level,
        "status": status,
        "owner": owner or (cat.owner_role if cat and cat.owner_role else "Control owner"),
        "items": list(items) if items is not None else _items(control),
        "due": due.isoformat(),
        "why": control.rationale or control.objective,
        "objective": control.objective,
        "pass_criterion": _pass_criterion(control, measures),
        "period": _period(control, measures),
        "population": _population(control, measures, scope),
        "how_to_submit": HOW_TO_SUBMIT,
    }
    if priority is not None:
        out["priority"] = priority
    if reason:
        out["reason"] = reason
    if received:
        out["already_received"] = list(received)
    if notes:
        out["gap_notes"] = notes
    return out


def select_controls(
    corpus: Corpus, *, controls: list[str] | None = None, assessment: Assessment | None = None,
    category: str | None = None,
) -> list[tuple[Control, str]]:
    """The objectives to ask about: the named controls, or an assessment's applicable objectives not yet met."""
    from aismm_assistant.corpus import get_category, get_control

    if controls:
        return [(get_control(c, corpus), "unknown") for c in controls]
    if assessment is None:
        raise ValidationError("give a control ID or --assessment ID")
    cats = assessment.scope.category_ids()
    if category:
        cid = get_category(category, corpus).id
        if cid not in cats:
            raise ValidationError(f"category {cid} is outside the scope of assessment {assessment.id}")
        cats = [cid]
    statuses = assessment.effective_statuses()
    scope = assessment.scope.deployment_scope()
    out = []
    for cid in cats:
        cat = corpus.category(cid)
        if cid in assessment.categories and assessment.categories[cid].excluded:
            continue
        for control in cat.controls if cat else []:
            status = statuses.get(control.id, "unknown")
            if control.applies_to(scope) and status not in COMPLETE:
                out.append((control, status))
    out.sort(key=lambda cs: (cs[0].level, _DOMAIN_RANK[cs[0].category], CATEGORY_ORDER.index(cs[0].category),
                             cs[0].number))
    return out


def scoped_requests(
    corpus: Corpus, assessment: Assessment, *, category: str | None, owner: str | None, start: date,
) -> list[dict[str, Any]]:
    """Open objectives up to each category's target (or next level), partial ones reduced to what is missing."""
    from datetime import UTC, datetime

    from aismm_assistant.assessment.scoring import score_category
    from aismm_assistant.assessment.summary import _revalidation_window, is_stale
    from aismm_assistant.corpus import get_category

    cats = assessment.scope.category_ids()
    if category:
        cid = get_category(category, corpus).id
        if cid not in cats:
            raise ValidationError(f"category {cid} is outside the scope of assessment {assessment.id}")
        cats = [cid]
    statuses = assessment.effective_statuses()
    scope = assessment.scope.deployment_scope()
    now, window = datetime.now(UTC), _revalidation_window()
    requests = []
    for cid in cats:
        cat = corpus.category(cid)
        rec = assessment.categories.get(cid)
        if cat is None or (rec is not None and rec.excluded):
            continue
        current = score_category(cat, statuses, scope).level
        limit = rec.target_level if rec and rec.target_level else min(5, current + 1)
        for control in cat.controls:
            if control.level > limit or not control.applies_to(scope):
                continue
            status = statuses.get(control.id, "unknown")
            res = assessment.results.get(control.id)
            pending = bool(res and res.pending)
            stale = bool(res and is_stale(res, now, window))
            if status in COMPLETE and not pending and not stale:
                continue
            priority = max(1, control.level - current)
            reason = ("revalidate: decided longer ago than the revalidation window" if stale and status in COMPLETE
                      else "a proposal awaits review: evidence lets the assessor decide" if pending
                      else f"blocks L{control.level}" if control.level == current + 1
                      else f"needed for the target L{limit}")
            items, received = None, None
            gap = " ".join(x for x in ((res.notes, res.provenance.rationale) if res is not None else ()) if x)
            if status == "partial" and res is not None:
                items, received = _missing_items(control, [e.text for e in res.evidence])
                if not items:
                    items = [f"Evidence that closes the remaining gap: {gap or 'what made this partial'}"]
            due = start + timedelta(days=STAGGER_DAYS * (priority - 1))
            requests.append(_request(control, corpus, owner=owner, due=due, status=status, scope=scope, items=items,
                                     received=received, priority=priority, reason=reason,
                                     notes=gap if status == "partial" else ""))
    requests.sort(key=lambda r: (r["priority"], r["level"], _DOMAIN_RANK[r["category"]],
                                 CATEGORY_ORDER.index(r["category"]), r["control_id"]))
    return requests


def draft_evidence_requests(
    corpus: Corpus, *, controls: list[str] | None = None, assessment: Assessment | None = None,
    category: str | None = None, owner: str | None = None, due: str | date | None = None, llm: str | None = None,
    all_objectives: bool = False,
) -> dict[str, Any]:
    """``{"requests": [{"control_id","owner","items","due","why","pass_criterion","period","population",...}],
    "owners": [...], "text": markdown, "engine"}``."""
    when = parse_date(due) or date.today() + timedelta(days=DEFAULT_DAYS)
    if assessment is not None and not controls and not all_objectives:
        requests = scoped_requests(corpus, assessment, category=category, owner=owner, start=when)
    else:
        chosen = select_controls(corpus, controls=controls, assessment=assessment, category=category)
        scope = assessment.scope.deployment_scope() if assessment is not None else None
        requests = [_request(c, corpus, owner=owner, due=when, status=s, scope=scope) for c, s in chosen]
    drafted = {r["control_id"]: list(r["items"]) for r in requests}
    out: dict[str, Any] = {"requests": requests, "engine": "offline", "flags": [],
                           "scope": "all" if all_objectives or controls else "open up to target"}
    if assessment is not None:
        out["assessment"] = {"id": assessment.id, "organization": assessment.organization}
    from aismm_assistant.llm import engine_name, load_chat_model

    model = load_chat_model(llm) if llm else None
    if model is not None and requests:
        out["engine"] = engine_name(llm)
        _polish(model, requests, drafted, out)
    out["owners"] = [{"owner": o, "requests": len(g), "items": sum(len(r["items"]) for r in g),
                      "first_due": min(r["due"] for r in g)} for o, g in _by_owner(requests).items()]
    out["text"] = to_markdown(out)
    return out


def _polish(model: Any, requests: list[dict[str, Any]], drafted: dict[str, list[str]], out: dict[str, Any]) -> None:
    """Let the chat model reword ``why`` and add a ``message``; reject any change to the items."""
    from aismm_assistant.llm import load_prompt

    prompt = load_prompt(PROMPT_FILE)
    out["prompt"] = {"name": prompt.name, "sha256": prompt.sha256}
    payload = [{k: r[k] for k in ("control_id", "name", "owner", "items", "why", "due")} for r in requests]
    try:
        reply = model.invoke([("system", prompt.text), ("human", json.dumps(payload, ensure_ascii=False))])
        text = reply.content if hasattr(reply, "content") else str(reply)
        match = re.search(r"\{.*\}|\[.*\]", text if isinstance(text, str) else str(text), re.S)
        data = json.loads(match.group(0)) if match else None
        polished = data.get("requests") if isinstance(data, dict) else data
        if not isinstance(polished, list):
            raise ValueError("no request list")
    except Exception:  # any model failure falls back to the offline wording
        out["flags"].append("llm_unusable_reply")
        return
    by_id = {r["control_id"]: r for r in requests}
    for item in polished:
        if not isinstance(item, dict) or item.get("control_id") not in by_id:
            out["flags"].append("llm_unknown_control")
            continue
        req = by_id[item["control_id"]]
        if "items" in item and item["items"] != req["items"]:
            out["flags"].append(f"llm_changed_items:{req['control_id']}")
            continue
        for key in ("why", "message"):
            value = item.get(key)
            if isinstance(value, str) and value.strip():
                req[key] = " ".join(value.split())
    for req in requests:  # the invariant, whatever happened above: items stay as drafted
        if req["items"] != drafted[req["control_id"]]:
            req["items"] = list(drafted[req["control_id"]])
            out["flags"].append(f"llm_changed_items:{req['control_id']}")


def _by_owner(requests: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in requests:
        groups.setdefault(r["owner"], []).append(r)
    return groups


def to_markdown(data: dict[str, Any]) -> str:
    """Requests by owner; every piece of user text (organisation, owner, notes) escaped."""
    from aismm_assistant.assessment.reports import md

    reqs = data["requests"]
    org = data.get("assessment", {}).get("organization")
    lines = [f"# Evidence requests{' — ' + md(org) if org else ''}", ""]
    if not reqs:
        return "\n".join([*lines, "Nothing to request: every applicable objective up to the target is met.", ""])
    for owner, group in _by_owner(reqs).items():
        lines += [f"## {md(owner)}", ""]
        for r in group:
            prio = f"priority {r['priority']}, " if r.get("priority") else ""
            lines += [f"### {r['control_id']} {md(r['name'])} (L{r['level']}, {prio}due {r['due']})", ""]
            if r.get("message"):
                lines += [md(r["message"]), ""]
            lines += [f"Why: {md(r['why'])}" + (f" ({md(r['reason'])})" if r.get("reason") else ""), ""]
            if r.get("pass_criterion"):
                lines += [f"Pass criterion: {md(r['pass_criterion'])}", "",
                          f"Period: {md(r['period'])}", "", f"Population: {md(r['population'])}", ""]
            if r.get("gap_notes"):
                lines += [f"What the assessor noted: {md(r['gap_notes'])}", ""]
            if r.get("already_received"):
                lines += ["Already received: " + "; ".join(md(x) for x in r["already_received"]), ""]
            lines += ["Please send:", *[f"- {md(i)}" for i in r["items"]], ""]
            if r.get("how_to_submit"):
                lines += [f"How to submit: {md(r['how_to_submit'])}", ""]
    return "\n".join(lines)


def to_csv(data: dict[str, Any]) -> str:
    """One row per requested artifact, ready for a tracker."""
    from aismm_assistant.workbook import csv_safe

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Control ID", "Objective", "Category", "Level", "Owner", "Item", "Due", "Priority", "Status", "Why",
                "Pass Criterion", "Period", "Population"])
    for r in data["requests"]:
        for item in r["items"]:
            w.writerow([csv_safe(v) for v in (r["control_id"], r["name"], CATEGORY_NAMES.get(r["category"], r["category"]),
                        f"L{r['level']}", r["owner"], item, r["due"], r.get("priority", ""), "requested", r["why"],
                        r.get("pass_criterion", ""), r.get("period", ""), r.get("population", ""))])
    return buf.getvalue()


def to_email(data: dict[str, Any]) -> str:
    """One plain-text email per owner."""
    org = data.get("assessment", {}).get("organization")
    mails = []
    for owner, group in _by_owner(data["requests"]).items():
        due = min(r["due"] for r in group)
        body = [f"To: {owner}", f"Subject: Evidence request for the AI security maturity assessment"
                f"{' of ' + org if org else ''} (due {due})", "", "Hello,", "",
                f"As part of our assessment against the CSA AI Security Maturity Model, could you send the "
                f"items below by {due}? Links to existing documents are fine.", ""]
        for r in sorted(group, key=lambda x: (x["due"], x["control_id"])):
            body += [f"{r['control_id']} — {r['name']} (due {r['due']})", f"  Why we ask: {r.get('message') or r['why']}"]
            if r.get("pass_criterion"):
                body += [f"  Pass criterion: {r['pass_criterion']}", f"  Period: {r['period']}",
                         f"  Population: {r['population']}"]
            body += [f"  - {i}" for i in r["items"]]
            body.append("")
        body += [f"How to submit: {HOW_TO_SUBMIT}", "", "Thank you.", ""]
        mails.append("\n".join(body))
    return "\n---\n\n".join(mails) if mails else "Nothing to request.\n"
