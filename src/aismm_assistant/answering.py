"""Grounded answers with citations: an extractive offline engine, or a chat model over retrieved context only.

Either way, citations are checked after the answer is written: every `[ID]` marker must name a
control that was retrieved for this question; any other marker is removed and reported.
"""

from __future__ import annotations

import re
from typing import Any

from aismm_assistant.corpus import load_corpus, normalize_control_id
from aismm_assistant.errors import AismmError, ValidationError
from aismm_assistant.model import CATEGORY_NAMES, LEVEL_NAMES, Control, Corpus

MAX_QUESTION_CHARS = 2000
MAX_NAMED = 3  # controls described when a question names several IDs
TOP_FREE = 3  # controls used for a free question
# Below this cosine similarity to every corpus chunk a question is off-topic: say so rather than guess.
# Measured on evals/retrieval: the least similar labelled query scores 0.23; "capital of France" 0.16.
MIN_SIMILARITY = 0.20
_MARKER_RE = re.compile(r"\[([^\[\]\n]{2,80})\]")
_EVIDENCE_WORDS = {"prove", "proof", "evidence", "show", "demonstrate", "audit", "auditor", "artifact",
                   "artefact", "document", "documentation", "records", "verify", "assessor"}


def _source(control: Control, fld: str, text: str) -> dict[str, str]:
    return {"control_id": control.id, "field": fld, "text": text}


def _header(c: Control) -> str:
    return (f"{c.id} - {c.name} ({CATEGORY_NAMES[c.category]}, L{c.level} {LEVEL_NAMES[c.level]}; "
            f"deployment: {', '.join(c.deployment_types)}; assessed {c.assessment_mode.lower()})")


def _ranked_evidence(control: Control, question: str, n: int) -> list[str]:
    """Evidence items sharing the most words with the question first (stable otherwise)."""
    from aismm_assistant.retrieval.lexical import tokenize

    q = set(tokenize(question))
    scored = sorted(enumerate(control.evidence), key=lambda t: (-len(q & set(tokenize(t[1]))), t[0]))
    return [e for _, e in scored[:n]]


def describe_control(control: Control, corpus: Corpus) -> tuple[str, list[dict[str, str]]]:
    """The full answer to 'what does ID require?': objective, level, evidence, why it marks the level."""
    cid = control.id
    cat = corpus.category(control.category)
    lines = [f"{_header(control)}.", "", f"Objective: {control.objective} [{cid}]"]
    sources = [_source(control, "objective", control.objective)]
    descriptor = (cat.levels.get(control.level) if cat else "") or ""
    level_line = f"Level: it is an L{control.level} {LEVEL_NAMES[control.level]} objective"
    lines.append(f"{level_line}; at that level the category is described as: {descriptor} [{cid}]" if descriptor
                 else f"{level_line}. [{cid}]")
    if control.evidence:
        lines.append("Evidence an assessor looks for: " + "; ".join(control.evidence) + f". [{cid}]")
        sources.append(_source(control, "evidence", "; ".join(control.evidence)))
    if control.rationale:
        lines.append(f"Why it discriminates the level: {control.rationale} [{cid}]")
        sources.append(_source(control, "rationale", control.rationale))
    if descriptor:
        sources.append(_source(control, "level", descriptor))
    return "\n".join(lines), sources


def _summarise(control: Control, question: str) -> tuple[str, list[dict[str, str]]]:
    """One paragraph for a free question: the objective, then the evidence closest to the question."""
    from aismm_assistant.retrieval.lexical import words

    evidence = _ranked_evidence(control, question, 3)
    text = f"- {_header(control)}: {control.objective} [{control.id}]"
    sources = [_source(control, "objective", control.objective)]
    if evidence:
        text += f" Evidence an assessor looks for: {'; '.join(evidence)}. [{control.id}]"
        sources.append(_source(control, "evidence", "; ".join(evidence)))
    if set(words(question)) & _EVIDENCE_WORDS and control.rationale:  # words(): "evidence?" counts too
        text += f" Why it matters for the level: {control.rationale} [{control.id}]"
        sources.append(_source(control, "rationale", control.rationale))
    return text, sources


def check_citations(answer: str, allowed: set[str]) -> tuple[str, list[str], list[str]]:
    """Keep only `[ID]` markers naming allowed controls; returns (answer, citations, removed markers)."""
    citations: list[str] = []
    removed: list[str] = []

    def repl(m: re.Match[str]) -> str:
        parts = [p.strip() for p in re.split(r"[,;]|\band\b", m.group(1)) if p.strip()]
        ids = [normalize_control_id(p) for p in parts]
        if not parts or any(i is None for i in ids):
            return m.group(0)  # not a citation (e.g. "[1]" or "[sic]")
        kept = []
        for raw, cid in zip(parts, ids, strict=True):
            if cid in allowed:
                kept.append(cid)
                if cid not in citations:
                    citations.append(cid)
            else:
                removed.append(raw)
        return "".join(f"[{c}]" for c in kept)

    cleaned = _MARKER_RE.sub(repl, answer)
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()
    return cleaned, citations, list(dict.fromkeys(removed))


def _retrieve(question: str, corpus: Corpus) -> tuple[list[Control], str, list[dict[str, str]], str]:
    """Controls to answer from, the kind of question, the offline answer and its sources."""
    from aismm_assistant.retrieval.exact import find_exact

    exact, _rest = find_exact(question, corpus)
    named = [corpus.control(m.control_id) for m in exact if m.kind == "id"]
    named = [c for c in named if c is not None][:MAX_NAMED]
    if named:
        parts, sources = [], []
        for c in named:
            text, src = describe_control(c, corpus)
            parts.append(text)
            sources.extend(src)
        return named, "control", sources, "\n\n".join(parts)
    if exact:  # AICM IDs or external references
        mapped = [c for m in exact if (c := corpus.control(m.control_id))]
        lead = f"Objectives mapped to {', '.join(dict.fromkeys(m.matched for m in exact))}:"
        lines, sources = [lead], []
        for c in mapped[:10]:
            lines.append(f"- {_header(c)}: {c.objective} [{c.id}]")
            sources.append(_source(c, "objective", c.objective))
        return mapped[:10], "mapping", sources, "\n".join(lines)
    from aismm_assistant.retrieval.search import get_retriever, search

    similarity = get_retriever().best_similarity(question)
    if similarity < MIN_SIMILARITY:
        answer = (
            "No control objective in the corpus addresses this question (closest similarity "
            f"{similarity:.2f}). Ask about an AI security practice, a category or a control ID such as GOV-02.1."
        )
        return [], "no_match", [], answer
    hits = search(question, k=TOP_FREE)
    found = [c for h in hits if (c := corpus.control(h.control_id))]
    lines, sources = ["The objectives closest to your question:"], []
    for c in found:
        text, src = _summarise(c, question)
        lines.append(text)
        sources.extend(src)
    return found, "search", sources, "\n".join(lines)


def _llm_answer(model: Any, question: str, context_items: list[dict[str, str]]) -> tuple[str, str]:
    """The chat model's answer from the retrieved passages only, and the prompt file's hash reference."""
    from langchain_core.messages import HumanMessage

    from aismm_assistant.llm import load_prompt

    prompt = load_prompt("answer.md")
    context = "\n".join(f"{i}. [{s['control_id']}] ({s['field']}) {s['text']}" for i, s in enumerate(context_items, 1))
    text = prompt.text.replace("{context}", context).replace("{question}", question)
    try:
        reply = model.invoke([HumanMessage(content=text)])
    except AismmError:
        raise
    except Exception as exc:  # providers raise many kinds of errors
        raise AismmError(f"the chat model failed: {exc}") from None
    content = reply.content if hasattr(reply, "content") else reply
    if isinstance(content, list):  # content blocks
        content = "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content), prompt.ref


def ask(question: str, llm: str | None = None) -> dict[str, Any]:
    """Answer from the corpus with checked citations; `llm` is an init_chat_model spec or None/'offline'."""
    from aismm_assistant.llm import engine_name, load_chat_model

    text = " ".join((question or "").split())
    if not text:
        raise ValidationError("empty question: ask about a control ID or a topic")
    if len(text) > MAX_QUESTION_CHARS:
        raise ValidationError(f"question too long ({len(text)} characters; at most {MAX_QUESTION_CHARS})")
    model = load_chat_model(llm)
    corpus = load_corpus()
    controls, kind, sources, offline_answer = _retrieve(text, corpus)
    allowed = {c.id for c in controls}
    prompt_ref = None
    if model is None or kind == "no_match":
        answer = offline_answer
    else:
        have = {(s["control_id"], s["field"]) for s in sources}
        # The model also gets each description, so it can explain rather than only restate.
        sources = sources + [
            _source(c, "description", c.description)
            for c in controls
            if c.description and (c.id, "description") not in have
        ]
        answer, prompt_ref = _llm_answer(model, text, sources)
    answer, citations, removed = check_citations(answer, allowed)
    return {
        "question": text,
        "answer": answer,
        "citations": citations,
        "sources": [s for s in sources if s["control_id"] in citations] if citations else sources,
        "retrieved": [c.id for c in controls],
        "kind": kind,
        "engine": engine_name(llm) if model is not None else "offline",
        "prompt": prompt_ref,
        "removed_citations": removed,
    }
