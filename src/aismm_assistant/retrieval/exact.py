"""Find control IDs, AICM IDs and external references inside a query, so they short-circuit retrieval.

A user typing "mod-3.1", "AIS-08" or "GOVERN 1.1" means those controls, not whatever is
semantically near the string. Matching is tolerant of case and format and never needs a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aismm_assistant.corpus import controls_for_aicm, controls_for_reference, normalize_control_id
from aismm_assistant.model import AICM_DOMAINS, DOMAIN_OF, Corpus

_PREFIXES = "|".join(sorted(DOMAIN_OF, key=len, reverse=True))
_CONTROL_RE = re.compile(
    rf"(?<![A-Za-z0-9&])({_PREFIXES})\s*[-_ ]?\s*0*([1-9])\s*[.\-_]\s*(\d{{1,2}})(?![\d.]*\d)", re.IGNORECASE
)
_AICM_RE = re.compile(
    r"(?<![A-Za-z0-9&])(" + "|".join(re.escape(d) for d in AICM_DOMAINS) + r")\s*-\s*(\d{1,2})(?![\d.])",
    re.IGNORECASE,
)
_REF_RES = (
    re.compile(r"\b(?:GOVERN|MAP|MEASURE|MANAGE)\s+\d{1,2}\.\d{1,2}\b", re.IGNORECASE),
    re.compile(r"\bLLM\s?\d{2}(?::\d{4})?\b", re.IGNORECASE),
    re.compile(r"\b42001\s+(?:A\.)?\d+(?:\.\d+)*\b", re.IGNORECASE),
)


@dataclass(frozen=True)
class ExactMatch:
    control_id: str
    kind: str  # "id", "aicm" or "reference"
    matched: str  # the text in the query that produced it


def find_exact(query: str, corpus: Corpus) -> tuple[list[ExactMatch], str]:
    """Controls the query names explicitly, in the order named, and the query text left over."""
    found: list[ExactMatch] = []
    seen: set[str] = set()
    spans: list[tuple[int, int]] = []

    def add(cid: str, kind: str, text: str) -> None:
        if cid not in seen:
            seen.add(cid)
            found.append(ExactMatch(cid, kind, text))

    for m in _CONTROL_RE.finditer(query):
        norm = normalize_control_id(m.group(0))
        if norm and corpus.control(norm):
            add(norm, "id", m.group(0))
            spans.append(m.span())
    for m in _AICM_RE.finditer(query):
        if any(s <= m.start() < e for s, e in spans):
            continue
        aicm_id = f"{m.group(1).upper()}-{int(m.group(2)):02d}"
        hits = controls_for_aicm(aicm_id, corpus)
        for c in sorted(hits, key=lambda c: (c.level, c.id)):
            add(c.id, "aicm", aicm_id)
        if hits:
            spans.append(m.span())
    for pattern in _REF_RES:
        for m in pattern.finditer(query):
            ref = re.sub(r"^LLM\s?", "LLM", m.group(0), flags=re.IGNORECASE)
            hits = controls_for_reference(ref, corpus)
            for c in sorted(hits, key=lambda c: (c.level, c.id)):
                add(c.id, "reference", m.group(0))
            if hits:
                spans.append(m.span())
    rest = query
    for s, e in sorted(spans, reverse=True):
        rest = rest[:s] + " " + rest[e:]
    return found, " ".join(rest.split())
