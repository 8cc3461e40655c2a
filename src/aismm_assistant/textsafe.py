"""Text that any export can carry: whatever Unicode the API accepted, no file breaks or lies.

User text (organisation names, answers, evidence, notes) reaches spreadsheets, Markdown, HTML and
JSON. Three things go wrong there: control characters that a format cannot hold (XML, hence xlsx,
refuses most of C0), bidirectional overrides that make a name read backwards on screen, and markup
(``<script>``, ``|``, ``*``) that a Markdown viewer would act on. One module decides, so every
format agrees:

- ``clean_text``: makes every line break a newline; drops C0/C1 controls (tab and newline kept where a format allows them), lone
  surrogates (replaced by U+FFFD), the XML non-characters U+FFFE/U+FFFF and the bidi embedding,
  override and isolate controls U+202A–U+202E, U+2066–U+2069;
- ``html_text`` / ``md_text``: ``clean_text`` then escaping for the target markup;
- ``json_document`` / ``yaml_safe``: JSON and YAML keep every character (they round-trip into
  ``aismm assessment import``) but write the invisible ones as escapes, never raw.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

#: embeddings, overrides and isolates: the characters of "Trojan Source"-style spoofing.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 except tab/newline/carriage return, DEL, C1, the XML non-characters, and bidi controls.
_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff" + BIDI_CONTROLS + "]")
#: characters a JSON/YAML writer should escape rather than write raw (invisible or line-breaking).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff" + BIDI_CONTROLS + "]")
# json.dumps already escapes C0; these it would write raw (the document's own newlines must stay).
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff" + BIDI_CONTROLS + "]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")


def clean_text(value: Any, *, newlines: bool = True) -> str:
    """``value`` as text a document can hold: no controls, no bidi overrides, no lone surrogates.

    With ``newlines`` false, line breaks and tabs become single spaces (table cells, titles).
    """
    text = value if isinstance(value, str) else str(value)
    text = _SURROGATE.sub("\ufffd", text)
    text = re.sub("\r\n|[\r\u2028\u2029]", "\n", text)
    text = _DROP.sub("", text)
    if not newlines:
        text = re.sub(r"[\t\n]+", " ", text)
    return text


def sheet_value(value: Any) -> Any:
    """A spreadsheet cell value: strings cleaned (XML 1.0 cannot hold most controls), others as they are."""
    return clean_text(value) if isinstance(value, str) else value


def html_text(value: Any) -> str:
    """Text for an HTML page: cleaned, then escaped (quotes included, so it is safe in attributes)."""
    return escape(clean_text(value), quote=True)


def md_text(value: Any, *, inline: bool = True) -> str:
    """Text for a Markdown document: no raw HTML, no emphasis, links or table breaks from user input.

    ``&``, ``<`` and ``>`` become entities (a viewer shows them, never runs them); Markdown
    punctuation is backslash-escaped; ``inline`` folds line breaks so a list item or cell stays one.
    """
    text = clean_text(value, newlines=not inline)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def json_document(text: str) -> str:
    """A JSON document with invisible characters written as ``\\uXXXX`` escapes (same data, visible).

    Safe on any ``json.dumps`` output: these characters can only occur inside string literals.
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def needs_escapes(text: str) -> bool:
    """True when ``text`` holds a character that should never be written raw into a document."""
    return bool(_INVISIBLE.search(text.replace("\n", "").replace("\t", "")))
