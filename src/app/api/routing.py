"""The route class of every router: an operation that takes a JSON body refuses other media types.

FastAPI parses a body without `Content-Type` as JSON and hands a `text/plain` one to validation as
a string, which then fails with a 422 that does not say why. A body is JSON only when the client
says so (RFC 9110 §8.3: the media type is what the sender declares), so anything else is a 415
`unsupported_media_type` naming the type to send (`Accept-Patch`, RFC 5789 §3.1, for PATCH;
`Accept-Post`, W3C LDP §7.1, for POST), before the body is parsed or anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from app.api.errors import ApiProblem

JSON = "application/json"
_ACCEPT_HEADER = {"PATCH": "Accept-Patch", "POST": "Accept-Post"}


def is_json(content_type: str | None) -> bool:
    """`application/json` or a `+json` structured syntax suffix (RFC 6839), any parameters."""
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == JSON or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


class JsonBodyRoute(APIRoute):
    """An APIRoute whose body, when it takes one, must be declared JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler
        headers = {
            name: JSON for method, name in _ACCEPT_HEADER.items() if method in (self.methods or ())
        }

        async def json_only(request: Request) -> Response:
            content_type = request.headers.get("content-type")
            if not is_json(content_type) and (content_type or await request.body()):
                raise ApiProblem(
                    415,
                    "unsupported_media_type",
                    f"The body must be JSON, sent with `Content-Type: {JSON}`.",
                    headers=headers,
                )
            return await handler(request)

        return json_only
