"""Request field types shared by the routes: exact JSON types, the twelve category IDs.

Integers are JSON numbers with no fraction (``2`` or ``2.0``, as JSON Schema's ``integer`` says);
``true`` and ``"2"`` are refused rather than coerced. Category IDs are an enumeration, so the
OpenAPI document tells a client exactly which values exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

CategoryId = Literal["GOV", "ORG", "IAM", "MON", "INF", "MOD", "APP", "DAT", "RSK", "DEV", "CMP", "IR"]


def _json_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a valid integer (a JSON number, not a string or a boolean)")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_number)]
