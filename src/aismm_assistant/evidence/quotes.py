"""Verbatim quotes in extracted text: a quote counts only if it is a substring, and then it has a locator."""

from __future__ import annotations

from aismm_assistant.evidence.extract import Extracted


def locate(extracted: Extracted, quote: str) -> str | None:
    """The locator of the first verbatim occurrence of ``quote`` ('p. 3', 'line 41', 'Sheet1!B7'),
    a range ('line 4-line 6') when it spans segments, or None when it is not in the text."""
    if not isinstance(quote, str) or not quote.strip():
        return None
    start = extracted.text.find(quote)
    if start < 0:
        return None
    return locator_at(extracted, start, start + len(quote))


def locator_at(extracted: Extracted, start: int, end: int) -> str | None:
    """The locator of the text between two offsets: one segment's, or 'first-last' across segments."""
    first = last = None
    for s, e, seg in extracted.spans():
        if first is None and start < e + len(seg.sep):
            first = seg.locator
        if s < end:
            last = seg.locator
        else:
            break
    if first is None:
        return None
    return first if last in (None, first) else f"{first}-{last}"


def verify(extracted: Extracted, quote: str, locator: str | None = None) -> bool:
    """True when the quote is verbatim in the text and, if a locator is given, it is where it says."""
    found = locate(extracted, quote)
    if found is None:
        return False
    return locator is None or _same_place(extracted, quote, locator)


def _same_place(extracted: Extracted, quote: str, locator: str) -> bool:
    """Any occurrence of the quote whose start segment carries this locator (a quote can recur)."""
    text = extracted.text
    spans = list(extracted.spans())
    pos = text.find(quote)
    while pos >= 0:
        for s, e, seg in spans:
            if s <= pos < e + len(seg.sep):
                if locator == seg.locator or locator.startswith(seg.locator + "-"):
                    return True
                break
        pos = text.find(quote, pos + 1)
    return False


def cite(extracted: Extracted, quote: str, evidence: str) -> dict[str, str] | None:
    """A citation ``{"evidence", "locator", "quote"}`` for a verbatim quote, else None."""
    loc = locate(extracted, quote)
    return None if loc is None else {"evidence": evidence, "locator": loc, "quote": quote}
