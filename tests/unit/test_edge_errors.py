"""The local edge's custom error responses: the template's mapping, applied to every origin."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.devstack.edge.errors import CustomErrorResponses, ErrorResponse, error_responses
from app.devstack.provisioning.intrinsics import load_template
from tests.conftest import REPO_ROOT

PAGE = b"<!doctype html><title>Page not found</title>"


def origin(request: Request) -> Response:
    status = int(request.path_params["status"])
    if request.url.path.startswith("/api/"):
        body = {"status": status, "code": "not_found"}
        return JSONResponse(body, status, media_type="application/problem+json")
    return Response(
        b"<Error><Code>AccessDenied</Code></Error>", status, media_type="application/xml"
    )


async def fetch(path: str) -> tuple[bytes, str] | None:
    return (PAGE, "text/html; charset=utf-8") if path == "/404.html" else None


def request(mapping: dict[int, ErrorResponse], path: str, method: str = "GET") -> httpx.Response:
    """One request through the edge over the origin."""
    app = Starlette(routes=[Route("/{prefix}/{status:int}", origin)])
    transport = httpx.ASGITransport(app=CustomErrorResponses(app, mapping, fetch))

    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://edge") as http:
            return await http.request(method, path)

    # A loop of its own, closed here: asyncio.run() would also unset the thread's current loop,
    # orphaning the one Mangum made earlier in the session (unclosed, reported at exit).
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(send())
    finally:
        loop.close()


MAPPING = {403: ErrorResponse("/404.html", 404)}


def test_the_template_maps_only_the_site_buckets_403_to_the_404_page() -> None:
    template = load_template(REPO_ROOT / "template.yaml")
    assert error_responses(template, "SiteDistribution") == {403: ErrorResponse("/404.html", 404)}


def test_a_mapped_status_becomes_the_page_with_the_response_code() -> None:
    missing = request(MAPPING, "/posts/403")
    assert (missing.status_code, missing.content) == (404, PAGE)
    assert missing.headers["content-type"] == "text/html; charset=utf-8"
    head = request(MAPPING, "/posts/403", "HEAD")
    assert (head.status_code, head.content) == (404, b"")
    api = request(MAPPING, "/api/403")  # distribution-wide, as on CloudFront
    assert (api.status_code, api.content) == (404, PAGE)


def test_an_unmapped_status_passes_through_untouched() -> None:
    api = request(MAPPING, "/api/404")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json() == {"status": 404, "code": "not_found"}
    assert request(MAPPING, "/posts/200").status_code == 200


def test_without_the_page_the_origins_error_is_passed_on() -> None:
    response = request({403: ErrorResponse("/missing.html", 404)}, "/posts/403")
    assert response.status_code == 403
    assert b"AccessDenied" in response.content


def test_entries_without_a_page_only_set_error_caching() -> None:
    template: dict[str, Any] = {
        "Resources": {
            "D": {
                "Properties": {
                    "DistributionConfig": {
                        "CustomErrorResponses": [
                            {"ErrorCode": 500, "ErrorCachingMinTTL": 5},
                            {"ErrorCode": 404, "ResponsePagePath": "/e.html"},
                        ]
                    }
                }
            }
        }
    }
    assert error_responses(template, "D") == {404: ErrorResponse("/e.html", 404)}
