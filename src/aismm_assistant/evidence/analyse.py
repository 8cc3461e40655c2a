"""Proposals from attached documents: the analyser reads a document as it reads interview answers.

For each category with documents attached to its objectives, the documents' extracted text is cut
into pseudo-turns (a page, or a run of lines / paragraphs / cells up to ``TURN_CHARS``), each with
the question of the objective the document is attached to as its context, and handed to the
configured `Analyser` (``interview/analyser.py``; the seam is used unchanged). Every quote the
analyser cites is mapped back to the document and checked verbatim with ``evidence/quotes.py``:
``{"evidence": sha256, "locator": "p. 3" | "line 41", "quote"}``; quotes that do not verify are
dropped and counted. What remains is recorded as **pending proposals** through the assessment
store's ``propose_results`` (the path ``evidence import`` uses): nothing here confirms a status.

A document attached to one objective can evidence that objective and others of its category, as
the analyser decides; it is never read for another category.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aismm_assistant.evidence.extract import Extracted
from aismm_assistant.evidence.quotes import locator_at, verify

TURN_CHARS = 2_000  # lines / paragraphs / cells are grouped into pseudo-turns up to this size
MAX_ANALYSED_CHARS = 200_000  # per document: beyond this the text is not read (reported as truncated)
HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
DOCUMENT_MEDIA = ("application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "text/markdown", "text/plain", "text/csv",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class PseudoTurn:
    """One piece of a document handed to the analyser as an answer; ``start`` is its offset in the text."""

    sha256: str
    name: str
    start: int
    text: str


def pseudo_turns(extracted: Extracted, sha256: str, name: str, *, turn_chars: int = TURN_CHARS,
                 max_chars: int = MAX_ANALYSED_CHARS) -> tuple[list[PseudoTurn], bool]:
    """The document as answers: a page (or a long segment) alone, short segments grouped; (turns, truncated)."""
    full = extracted.text
    turns: list[PseudoTurn] = []
    group_start: int | None = None
    group_end = 0
    truncated = False

    def flush() -> None:
        nonlocal group_start
        if group_start is not None:
            piece = full[group_start:group_end]
            if piece.strip():
                turns.append(PseudoTurn(sha256, name, group_start, piece))
        group_start = None

    for start, end, seg in extracted.spans():
        if end > max_chars:
            truncated = True
            end = max_chars
            if end <= start:
                break
        if not seg.text.strip():
            continue
        if HEADING.match(seg.text):  # a Markdown heading names a section; it states no practice
            flush()
            continue
        paged = seg.locator.startswith("p. ")
        if paged or (group_start is not None and end - group_start > turn_chars):
            flush()
        if group_start is None:
            group_start = start
        group_end = end
        if paged:
            flush()
        if truncated:
            break
    flush()
    return turns, truncated


def _cite(extracted: Extracted, turn: PseudoTurn, quote: str) -> dict[str, str] | None:
    """The document citation of a quote the analyser took from this pseudo-turn, verified verbatim; else None."""
    if not isinstance(quote, str) or not quote.strip():
        return None
    at = turn.text.find(quote)
    if at < 0:
        return None
    start = turn.start + at
    loc = locator_at(extracted, start, start + len(quote))
    if loc is None or not verify(extracted, quote, loc):
        return None
    return {"evidence": turn.sha256, "locator": loc, "quote": quote}


def analyse_documents(assessment_id: str, control_id: str | None = None, *, analyser: Any = None,
                      store: Any = None, evidence_store: Any = None, record: bool = True) -> dict[str, Any]:
    """Read the documents attached to an assessment (or to one objective's category) and propose statuses.

    Returns ``{"assessment", "engine", "documents", "proposals", "dropped_citations", "flags", "stored",
    "unchanged"}``. With ``record`` the proposals are stored pending (never confirmed); an objective whose
    pending proposal is already the same (status, engine, citations) is left alone and listed in ``unchanged``.
    """
    from aismm_assistant.assessment import actions
    from aismm_assistant.corpus import get_category, load_corpus
    from aismm_assistant.evidence.store import get_evidence_store
    from aismm_assistant.interview.analyser import get_analyser
    from aismm_assistant.interview.proposals import TurnInput
    from aismm_assistant.interview.questions import control_question

    if store is None:
        from aismm_assistant.storage import get_store

        store = get_store()
    corpus = load_corpus()
    rec = store.get_assessment(assessment_id)
    if record:
        actions.ensure_writable(rec)
    only = actions.resolve_control(rec, corpus, control_id).category if control_id else None
    ev = evidence_store or get_evidence_store()
    # an objective names its category: all of the category's documents are read together, so that a
    # new upload cannot replace a proposal another document of the category supports
    attached = [r for r in ev.list(rec.id) if only is None or r.control_id.split("-")[0] == only]
    in_scope = set(rec.scope.category_ids())
    scope = rec.scope.deployment_scope()
    analyser = analyser or get_analyser()
    engine = analyser.provenance.engine
    prompts = dict(analyser.provenance.prompts)

    by_category: dict[str, list[Any]] = {}
    for r in attached:
        cat = r.control_id.split("-")[0]
        if cat in in_scope and r.media_type in DOCUMENT_MEDIA:
            by_category.setdefault(cat, []).append(r)

    result: dict[str, Any] = {"assessment": rec.id, "engine": engine, "documents": [], "proposals": [],
                              "dropped_citations": 0, "flags": [], "stored": False, "unchanged": []}
    proposals: list[dict[str, Any]] = []
    for cat_id, records in by_category.items():
        category = get_category(cat_id, corpus)
        controls = {c.id: c for c in category.controls}
        # one document read once per category, with the questions of every objective it is attached to
        docs: dict[str, dict[str, Any]] = {}
        for r in records:
            d = docs.setdefault(r.sha256, {"name": r.name, "controls": []})
            if r.control_id not in d["controls"]:
                d["controls"].append(r.control_id)
        turns: list[PseudoTurn] = []
        inputs: list[TurnInput] = []
        texts: dict[str, Extracted] = {}
        for sha, d in docs.items():
            extracted = ev.text(sha)
            texts[sha] = extracted
            pieces, truncated = pseudo_turns(extracted, sha, d["name"])
            question = " ".join(control_question(controls[c]) for c in d["controls"] if c in controls)
            for piece in pieces:
                turns.append(piece)
                inputs.append(TurnInput(answer=piece.text, question=question or None, respondent=None,
                                        question_controls=tuple(d["controls"])))
            result["documents"].append({"sha256": sha, "name": d["name"], "controls": d["controls"],
                                        "category": cat_id, "turns": len(pieces),
                                        "analysed_chars": sum(len(p.text) for p in pieces), "truncated": truncated})
        if not inputs:
            continue
        proposal = analyser.assess(category, inputs, scope)
        for f in proposal.flags:
            t = turns[f.turn] if 0 <= f.turn < len(turns) else None
            where = f"{t.name} {locator_at(texts[t.sha256], t.start, t.start + 1)}" if t else "a document"
            result["flags"].append(f"injection ({f.reason}) in {where}: {f.quote[:80]}")
        for cid, p in proposal.controls.items():
            if p.status in ("not_applicable", "unknown"):
                continue
            cites: list[dict[str, str]] = []
            for c in p.citations:
                idx = c.get("turn")
                cited = _cite(texts[turns[idx].sha256], turns[idx], c.get("quote")) \
                    if isinstance(idx, int) and 0 <= idx < len(turns) else None
                if cited is None:
                    result["dropped_citations"] += 1
                elif cited not in cites:
                    cites.append(cited)
            if not cites:
                continue  # a document proposal rests on a quote from the document, or it is not made
            names = sorted({docs[c["evidence"]]["name"] for c in cites})
            proposals.append({"control_id": cid, "status": p.status, "confidence": round(p.confidence, 3),
                              "citations": cites, "engine": engine, "prompts": prompts,
                              "rationale": f"read from {', '.join(names)}"
                                           + (f": {'; '.join(p.reasons)}" if p.reasons else "")})
    result["proposals"] = proposals
    if record and proposals:
        result["unchanged"], result["stored"] = _record(store, rec.id, proposals, result["flags"])
    return result


def _same(existing: Any, prop: dict[str, Any]) -> bool:
    if existing is None:
        return False
    old = [(c.evidence, c.locator, c.quote) for c in existing.citations]
    new = [(c["evidence"], c["locator"], c["quote"]) for c in prop["citations"]]
    return existing.status == prop["status"] and existing.engine == prop["engine"] and old == new


def _record(store: Any, assessment_id: str, proposals: list[dict[str, Any]],
            flags: Iterable[str]) -> tuple[list[str], bool]:
    from aismm_assistant.assessment.record import Citation, Proposal

    rec = store.get_assessment(assessment_id)
    unchanged = [p["control_id"] for p in proposals
                 if (res := rec.results.get(p["control_id"])) is not None and res.provenance.pending
                 and _same(res.provenance.proposed, p)]
    fresh = [p for p in proposals if p["control_id"] not in unchanged]
    if fresh:
        store.propose_results(assessment_id, [
            Proposal(control_id=p["control_id"], status=p["status"], confidence=p["confidence"],
                     citations=[Citation(**c) for c in p["citations"]], flags=list(flags), engine=p["engine"],
                     prompts=p["prompts"], rationale=p["rationale"]) for p in fresh])
    return unchanged, bool(fresh)

