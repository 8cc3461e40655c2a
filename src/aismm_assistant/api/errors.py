"""One place where failures become JSON ``{"error": message}`` with the right status, never a traceback."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from aismm_assistant.errors import (
    AismmError,
    AlreadyExists,
    CorpusError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)

log = logging.getLogger("aismm_assistant.api")


class Unauthorized(AismmError):
    """No bearer token, or a token that matches no user."""


class Conflict(AismmError):
    """The request is fine but clashes with what exists (a user name already taken)."""


#: the library speaks to the command line ("give --status", "see `aismm assessment list`"); a web
#: user has no command line, so the API says the same thing in terms of the request and the pages.
_CLI_HINT = re.compile(r"\s*\((?:see )?`?aismm [^)]*\)|\s*\(--[a-z][a-z-]*(?: [A-Z]+)?\)"
                       r"|[;,:]?\s*(?:see|run|try|use) `aismm [^`]*`")
_FLAG_WORDS: dict[str, str] = {
    "status": "a status",
    "rationale": "a rationale",
    "assessment": "an assessment",
    "by": "who",
    "out": "another folder",
    "llm": "AISMM_LLM",
}
_FLAG = re.compile(r"(?<![\w-])--([a-z][a-z-]*)")


def in_web_words(message: str) -> str:
    """``message`` without command-line flags or commands: what a user of the pages or the API can act on."""
    text = _CLI_HINT.sub("", message)
    text = text.replace("choose --llm offline", "set AISMM_LLM=offline")
    text = _FLAG.sub(lambda m: _FLAG_WORDS.get(m.group(1), m.group(1).replace("-", " ")), text)
    return text.strip()


def status_for(exc: AismmError) -> int:
    """NotFound 404, PermissionDenied 403, bad data 422, server-side corpus trouble 503, anything else 400."""
    if isinstance(exc, Unauthorized):
        return 401
    if isinstance(exc, Conflict | AlreadyExists):
        return 409
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, CorpusError):
        return 503
    if isinstance(exc, ValidationError):
        return 422
    return 400


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def describe_validation(errors: list[dict[str, Any]]) -> str:
    """The first pydantic error as one line: 'body.level: Input should be less than or equal to 5'."""
    if not errors:
        return "invalid request"
    first = errors[0]
    loc = ".".join(str(p) for p in first.get("loc", ()))
    msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    if first.get("type") in ("literal_error", "enum") and isinstance(first.get("input"), str):
        msg += f" (got {first['input'][:40]!r})"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{loc}: {msg}{more}" if loc else msg + more


def allowed_methods(request: Request) -> list[str]:
    """The methods the OpenAPI document lists for this path (Starlette's own 405 names only one route's)."""
    table = getattr(request.app.state, "allowed_methods", None)
    if table is None:
        table = [
            (re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$"),
             {m.upper() for m in ops if m in ("get", "post", "put", "patch", "delete")})
            for path, ops in request.app.openapi().get("paths", {}).items()
        ]
        request.app.state.allowed_methods = table
    methods: set[str] = set()
    for regex, served in table:
        if regex.match(request.url.path):
            methods |= served
    if "GET" in methods or not methods:  # pages and files are GET-only; HEAD comes with GET
        methods |= {"GET", "HEAD"}
    return sorted(methods | {"OPTIONS"})


def method_not_allowed(request: Request) -> Any:
    """OPTIONS answers 204 with ``Allow``; any other unserved method 405 with the same ``Allow``."""
    from fastapi.responses import Response

    allow = {"Allow": ", ".join(allowed_methods(request))}
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=allow)
    return error_response(405, f"{request.method} is not allowed here; use {allow['Allow']}", allow)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AismmError)
    async def _aismm(request: Request, exc: AismmError) -> JSONResponse:
        status = status_for(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            log.error("server misconfigured: %s", exc)
        return error_response(status, in_web_words(str(exc)), headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, describe_validation(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Any:
        if exc.status_code == 405:
            return method_not_allowed(request)
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        return error_response(exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal error; see the server log")


def validated(model: type[BaseModel], **values: Any) -> Any:
    """Build a library model from request values; a schema failure is a one-line 422, not a 500."""
    try:
        return model.model_validate(values)
    except PydanticValidationError as exc:
        raise ValidationError(describe_validation(list(exc.errors()))) from None
