"""`create_app()`: the API under /api, OpenAPI at /openapi.json, the web pages at /.

Nothing that matters lives in the process: users, assessments, interviews and turns are in the
store, so any number of uvicorn workers can serve the same database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aismm_assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from aismm_assistant.storage import Store


def create_app(settings: Settings | None = None, store: Store | None = None) -> Any:
    """Build the FastAPI app; ``store`` lets tests share one store with the app (default: built on first use)."""
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from aismm_assistant import __version__
    from aismm_assistant.api import (
        openapi,
        routes_assessments,
        routes_interviews,
        routes_lookup,
        routes_pages,
        routes_users,
    )
    from aismm_assistant.api.errors import install_error_handlers
    from aismm_assistant.api.idempotency import IdempotencyMiddleware
    from aismm_assistant.api.middleware import (
        BodyLimitMiddleware,
        InternalErrorMiddleware,
        SecurityHeadersMiddleware,
    )
    from aismm_assistant.api.ratelimit import WriteRateLimitMiddleware

    settings = settings or get_settings()
    app = FastAPI(
        title="aismm-assistant",
        version=__version__,
        description=(
            "Assess a security program against the CSA AI Security Maturity Model (AISMM v1.0): "
            "lookups, interviews for respondents, review for assessors, a dashboard for leaders. "
            "Authenticate with 'Authorization: Bearer <token>' (create tokens with `aismm user add`)."
        ),
        docs_url=None,
        redoc_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    app.state.store = store
    install_error_handlers(app)
    openapi.install(app)
    for module in (routes_lookup, routes_users, routes_assessments, routes_interviews):
        app.include_router(module.router)
    from aismm_assistant.api import routes_process

    app.include_router(routes_process.router)
    from aismm_assistant.api import routes_evidence

    app.include_router(routes_evidence.router)
    app.include_router(routes_pages.router)
    assets = settings.web_dir / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    app.add_middleware(InternalErrorMiddleware)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(WriteRateLimitMiddleware, per_minute=settings.write_rate_per_minute, burst=settings.write_burst)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes,
                       large_paths=routes_evidence.UPLOAD_PATHS,
                       large_max_bytes=routes_evidence.upload_body_limit(settings.evidence_max_bytes))
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.serving:  # `aismm serve`: load the search index off the request path
        from aismm_assistant.retrieval.search import warm_up_in_background

        warm_up_in_background(settings)
    return app
