"""The OpenAPI document says every status the API can answer with, and the headers it honours.

FastAPI documents 200 and 422 by itself; the refusals that come from the auth dependencies, the
middleware (413 body too large, 429 rate limit, 400/409/422 from ``Idempotency-Key``) and the
library (404 unknown IDs) are added here, once, from the route's shape, so no route can forget one.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string", "description": "What went wrong, in one line."}},
}
WHY: dict[str, str] = {
    "400": "Bad request: a malformed header (Content-Length, Idempotency-Key) or a request the data refuses",
    "401": "No token, a malformed Authorization header, or an unknown or revoked token",
    "403": "The token's role may not do this, or the interview is assigned to someone else",
    "404": "No such assessment, interview, control or user",
    "409": "A request with this Idempotency-Key is still running (retry after Retry-After seconds), or the name is taken",
    "413": "Request body larger than AISMM_MAX_REQUEST_BYTES (an evidence upload: than AISMM_EVIDENCE_MAX_BYTES)",
    "422": "The body or a parameter is invalid (or an Idempotency-Key was reused for a different request)",
    "429": "Too many writes from this token; retry after Retry-After seconds",
    "503": "The server's corpus or index is unusable; an administrator must fix it",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}}
IDEMPOTENCY_PARAM = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Any unique string (a UUID) naming this request. Sent again with the same body by the same user, "
        "the request is not repeated: the first answer is returned (header Idempotent-Replayed: true)."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
}
PUBLIC = {"/api/health"}
WRITES = {"post", "put", "patch", "delete"}


def statuses_for(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    codes = ["400"]
    if path not in PUBLIC:
        codes += ["401", "403"]
    if "{" in path or path.startswith(("/api/controls", "/api/evidence-requests")):
        codes.append("404")
    if operation.get("parameters") or operation.get("requestBody"):
        codes.append("422")
    if method in WRITES:
        codes += ["413", "429"]
    if method == "post":
        codes += ["409", "422"]
    if path.startswith(("/api/search", "/api/ask", "/api/controls", "/api/assessments", "/api/evidence-requests")):
        codes.append("503")
    return sorted(set(codes))


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error responses and the Idempotency-Key header to every /api operation (in place)."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, ops in schema.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, op in ops.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            if method == "post":
                params = op.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in params):
                    params.append(dict(IDEMPOTENCY_PARAM))
            responses = op.setdefault("responses", {})
            for code in statuses_for(path, method, op):
                entry = responses.setdefault(code, {})
                entry["description"] = WHY[code]
                entry["content"] = ref
                if code in ("409", "429"):
                    entry["headers"] = RETRY_AFTER
                if code == "401":
                    entry["headers"] = {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}}
    return schema


def install(app: Any) -> None:
    """Wrap ``app.openapi`` so the document is built once, then completed by ``document``."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(build())
        return app.openapi_schema

    app.openapi = openapi
