"""Evidence requests: what to send, to whom, by when and why, drafted from each control's evidence list.

The offline draft is complete on its own. With an LLM the wording of ``why`` and a short
``message`` may be polished, but the requested items always stay exactly the control's own
(checked here, whatever the model returns).
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
PROMPT_FILE = "evidence_request.md"
_DOMAIN_RANK = {p: i for i, prefixes in enumerate(DOMAINS.values()) for p in prefixes}


def _items(control: Control) -> list[str]:
    return list(control.evidence) or [f"Records showing that this is in place: {control.objective}"]


def _request(control: Control, corpus: Corpus, *, owner: str | None, due: date, status: str) -> dict[str, Any]:
    cat = corpus.category(control.category)
    return {
        "control_id": control.id,
        "name": control.name,
        "category": control.category,
        "level": control.level,
        "status": status,
        "owner": owner or (cat.owner_role if cat and cat.owner_role else "Control owner"),
        "items": _items(control),
        "due": due.isoformat(),
        "why": control.rationale or control.objective,
        "objective": control.objective,
    }


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
        for control in cat.controls if cat else []:
            status = statuses.get(control.id, "unknown")
            if control.applies_to(scope) and status not in COMPLETE:
                out.append((control, status))
    out.sort(key=lambda cs: (cs[0].level, _DOMAIN_RANK[cs[0].category], CATEGORY_ORDER.index(cs[0].category),
                             cs[0].number))
    return out


def draft_evidence_requests(
    corpus: Corpus, *, controls: list[str] | None = None, assessment: Assessment | None = None,
    category: str | None = None, owner: str | None = None, due: str | date | None = None, llm: str | None = None,
) -> dict[str, Any]:
    """``{"requests": [{"control_id","owner","items","due","why",...}], "text": markdown, "engine"}``."""
    when = parse_date(due) or date.today() + timedelta(days=DEFAULT_DAYS)
    chosen = select_controls(corpus, controls=controls, assessment=assessment, category=category)
    requests = [_request(c, corpus, owner=owner, due=when, status=s) for c, s in chosen]
    out: dict[str, Any] = {"requests": requests, "engine": "offline", "flags": []}
    if assessment is not None:
        out["assessment"] = {"id": assessment.id, "organization": assessment.organization}
    from aismm_assistant.llm import engine_name, load_chat_model

    model = load_chat_model(llm) if llm else None
    if model is not None and requests:
        out["engine"] = engine_name(llm)
        _polish(model, requests, corpus, out)
    out["text"] = to_markdown(out)
    return out


def _polish(model: Any, requests: list[dict[str, Any]], corpus: Corpus, out: dict[str, Any]) -> None:
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
    for req in requests:  # the invariant, whatever happened above: items are the control's own
        control = corpus.control(req["control_id"])
        if control is not None and req["items"] != _items(control):
            req["items"] = _items(control)
            out["flags"].append(f"llm_changed_items:{req['control_id']}")


def _by_owner(requests: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in requests:
        groups.setdefault(r["owner"], []).append(r)
    return groups


def to_markdown(data: dict[str, Any]) -> str:
    reqs = data["requests"]
    org = data.get("assessment", {}).get("organization")
    lines = [f"# Evidence requests{' — ' + org if org else ''}", ""]
    if not reqs:
        return "\n".join([*lines, "Nothing to request: every applicable objective is met.", ""])
    for owner, group in _by_owner(reqs).items():
        lines += [f"## {owner}", ""]
        for r in group:
            lines += [f"### {r['control_id']} {r['name']} (L{r['level']}, due {r['due']})", ""]
            if r.get("message"):
                lines += [r["message"], ""]
            lines += [f"Why: {r['why']}", "", "Please send:", *[f"- {i}" for i in r["items"]], ""]
    return "\n".join(lines)


def to_csv(data: dict[str, Any]) -> str:
    """One row per requested artifact, ready for a tracker."""
    from aismm_assistant.workbook import csv_safe

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Control ID", "Objective", "Category", "Level", "Owner", "Item", "Due", "Status", "Why"])
    for r in data["requests"]:
        for item in r["items"]:
            w.writerow([csv_safe(v) for v in (r["control_id"], r["name"], CATEGORY_NAMES.get(r["category"], r["category"]),
                        f"L{r['level']}", r["owner"], item, r["due"], "requested", r["why"])])
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
        for r in group:
            body += [f"{r['control_id']} — {r['name']}", f"  Why we ask: {r.get('message') or r['why']}"]
            body += [f"  - {i}" for i in r["items"]]
            body.append("")
        body += ["Thank you.", ""]
        mails.append("\n".join(body))
    return "\n---\n\n".join(mails) if mails else "Nothing to request.\n"
