"""The API's Swagger UI, served whole by the API itself: it works offline and names no other origin.

FastAPI's own `/docs` page loads Swagger UI from a CDN and its favicon from fastapi.tiangolo.com,
so it is blank without internet and shows every reader's visit to two third parties. The assets
come from the fastapi-offline package instead (Swagger UI 5, which renders OpenAPI 3.1), are
served at `/docs/assets/{name}` under the stage path, and cached a day by browsers and the stage.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

import fastapi_offline
from fastapi import APIRouter, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from app.api.errors import ApiProblem
from app.api.routing import JsonBodyRoute

router = APIRouter(route_class=JsonBodyRoute, include_in_schema=False)
DOCS: Final = "/docs"
OPENAPI: Final = "/openapi.json"
ASSETS: Final = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
}
ASSET_CACHE: Final = "public, max-age=86400, s-maxage=86400"
_STATIC: Final = Path(fastapi_offline.__file__).parent / "static"
# An inline icon: a favicon URL would be one more request, and a binary one for API Gateway.
_FAVICON: Final = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
    "%3Crect width='16' height='16' rx='3' fill='%2385ea2d'/%3E%3C/svg%3E"
)


@cache
def _asset(name: str) -> bytes:
    return (_STATIC / name).read_bytes()


@router.get(DOCS)
def swagger_ui() -> HTMLResponse:
    """Swagger UI for this stage's spec.

    Every URL on the page is relative to the page, so it holds under any prefix the client sees:
    the stage on the execute-api URL (`/dev/docs`), and `/api/docs` through the distribution,
    where API Gateway's `requestContext.path` says `/dev/docs` and an absolute path would miss.
    """
    return get_swagger_ui_html(
        openapi_url=OPENAPI.lstrip("/"),
        title="Serverless reference API - Swagger UI",
        swagger_js_url=f"{DOCS.lstrip('/')}/assets/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS.lstrip('/')}/assets/swagger-ui.css",
        swagger_favicon_url=_FAVICON,
    )


@router.get(f"{DOCS}/assets/{{name}}")
def swagger_ui_asset(name: str) -> Response:
    """One of Swagger UI's two files; any other name is a 404 (no path reaches the disk)."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise ApiProblem(404, "not_found", "Nothing exists here with this id.")
    return Response(_asset(name), media_type=media_type, headers={"Cache-Control": ASSET_CACHE})
