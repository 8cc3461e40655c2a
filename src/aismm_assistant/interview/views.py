"""What each role sees of an interview, and what changed after an answer.

Assessors see everything. A respondent sees the conversation, the next question and, per objective,
what was understood in plain words with their own quotes - never a status, a confidence, a level or a
steering flag, so nobody can learn which phrasing earns "met". The respondent view is built from a
whitelist, not by deleting keys from the staff view, so a key added to the staff view later cannot leak.
"""

from __future__ import annotations

from typing import Any

AUDIENCES = ("staff", "respondent")
DONE_MESSAGE = "This interview is finished. Thank you - an assessor will review what you said and may ask for evidence."
END_MESSAGE = "There are no more questions. Thank you - an assessor will review what you said and may ask for evidence."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def understood(proposal: dict, names: dict[str, str]) -> list[dict]:
    """Per objective with quotes: its name, a plain sentence and the respondent's own words."""
    out = []
    for cid, p in proposal.get("controls", {}).items():
        quotes = [{"turn": c["turn"], "quote": c["quote"]} for c in p.get("citations", [])]
        if not quotes or p.get("status") == "not_applicable":
            continue
        name = names.get(cid, cid)
        out.append({"control_id": cid, "objective": name,
                    "summary": f"About {_lower_first(name)}, we noted what you said:", "quotes": quotes})
    return out


def _question(q: dict | None) -> dict | None:
    if not q:
        return None
    return {"text": q["text"], "controls": list(q["controls"]), "kind": q.get("kind", "primary"),
            "respondent": q.get("respondent")}


def respondent_message(view: dict) -> str:
    if view["status"] == "done":
        return DONE_MESSAGE
    waiting = (view.get("policy") or {}).get("waiting_for") or []
    if waiting:
        roles = {r["name"]: r.get("role") for r in view.get("respondents", [])}
        who = ", ".join(f"{n} ({roles[n]})" if roles.get(n) else n for n in waiting)
        return f"Your questions are answered for now; the next ones are for {who}. You can come back later."
    if view.get("question"):
        return ""
    return END_MESSAGE


def respondent_view(view: dict, names: dict[str, str]) -> dict:
    """The respondent's cut of a staff view (whitelisted keys only)."""
    out = {
        "audience": "respondent",
        "id": view["id"],
        "assessment_id": view["assessment_id"],
        "category": view["category"],
        "finished": view["status"] == "done",
        "turns": [{"turn": t["turn"], "respondent": t["respondent"], "question": t["question"],
                   "question_controls": list(t["question_controls"]), "answer": t["answer"]} for t in view["turns"]],
        "question": _question(view.get("question")),
        "message": respondent_message(view),
        "understood": understood(view["proposal"], names),
        "can_go_back": view.get("can_go_back", False),
        "respondents": [{"name": r["name"], "role": r.get("role", "")} for r in view.get("respondents", [])],
    }
    if "changes" in view:
        out["changes"] = [{"control_id": c["control_id"], "objective": c["objective"], "quotes": c["quotes"]}
                          for c in view["changes"] if c["quotes"]]
    return out


def for_audience(view: dict, audience: str, names: dict[str, str] | None = None) -> dict:
    """The view for `audience` ('staff' or 'respondent'); private keys (leading '_') never leave."""
    public = {k: v for k, v in view.items() if not k.startswith("_")}
    if audience == "staff":
        return {"audience": "staff", **public}
    if audience != "respondent":
        raise ValueError(f"unknown audience {audience!r}")
    return respondent_view(public, names or {})


def seen(proposal: dict) -> dict[str, list]:
    """What the last shown proposal said per objective (kept in the flow state to report changes)."""
    return {cid: [p["status"], round(p["confidence"], 2), [c["quote"] for c in p["citations"]]]
            for cid, p in proposal.get("controls", {}).items() if p["status"] != "not_applicable"}


def changes(before: dict[str, list], proposal: dict, names: dict[str, str]) -> list[dict]:
    """New or revised readings since `before`: status or confidence moved, or new quotes cited."""
    out = []
    for cid, (status, conf, quotes) in seen(proposal).items():
        old = before.get(cid)
        new_quotes = [q for q in quotes if not old or q not in old[2]]
        if old is None:
            if status == "unknown" and not quotes:
                continue
            kind = "new"
        elif old[0] != status:
            kind = "new" if old[0] == "unknown" and not old[2] else "revised"
        elif abs(old[1] - conf) >= 0.05 or new_quotes:
            kind = "revised"
        else:
            continue
        p = proposal["controls"][cid]
        out.append({"control_id": cid, "objective": names.get(cid, cid), "change": kind,
                    "before": old[0] if old else None, "status": status, "confidence": p["confidence"],
                    "quotes": new_quotes, "citations": p["citations"], "reasons": p.get("reasons", [])})
    return out


def names_for(category: Any) -> dict[str, str]:
    return {c.id: c.name for c in category.controls}
