"""The five pages; each is a static HTML file whose script talks to /api with the user's token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from aismm_assistant.errors import NotFoundError

router = APIRouter(include_in_schema=False)

PAGES: dict[str, str] = {
    "/": "index.html",
    "/interview": "interview.html",
    "/assessment": "assessment.html",
    "/dashboard": "dashboard.html",
    "/lookup": "lookup.html",
    "/quick": "quick.html",
    "/roadmap": "roadmap.html",
}


def _page(filename: str):  # noqa: ANN202 - a route handler factory
    def serve(request: Request) -> FileResponse:
        path = request.app.state.settings.web_dir / filename
        if not path.is_file():
            raise NotFoundError(f"page {filename} is missing from {path.parent}")
        return FileResponse(path, media_type="text/html", headers={"cache-control": "no-cache"})

    return serve


for _route, _file in PAGES.items():
    router.add_api_route(_route, _page(_file), methods=["GET"], name=f"page:{_file}")
