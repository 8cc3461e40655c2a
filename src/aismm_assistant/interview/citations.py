"""Verbatim-quote verification: a citation counts only if its quote is in the turn it names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def citation_valid(citation: dict, answers: Sequence[str]) -> bool:
    """True when `quote` is a non-empty verbatim substring of answer number `turn` (0-based)."""
    turn, quote = citation.get("turn"), citation.get("quote")
    if not isinstance(turn, int) or isinstance(turn, bool) or not isinstance(quote, str):
        return False
    if not 0 <= turn < len(answers) or not quote.strip():
        return False
    return quote in answers[turn]


def verify_citations(citations: Iterable[dict], answers: Sequence[str]) -> bool:
    """All citations verify (an empty list verifies trivially)."""
    return all(citation_valid(c, answers) for c in citations)


def citation_counts(citations: Iterable[dict], answers: Sequence[str]) -> tuple[int, int]:
    """(valid, total) for a set of citations; the eval's citation validity is their ratio."""
    items = list(citations)
    return sum(citation_valid(c, answers) for c in items), len(items)
