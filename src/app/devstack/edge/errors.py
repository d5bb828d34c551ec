"""The distribution's CustomErrorResponses, locally: read from the template, applied to every
response the local edge gives, whichever origin it came from.

CloudFront replaces an origin's 4xx/5xx whose code is mapped with the object at
ResponsePagePath (fetched like any request, through the behaviour matching that path) and
answers with ResponseCode; the mapping is per distribution, not per cache behaviour
(CloudFront Developer Guide, "Generating custom error responses"). When the error page itself
is missing, CloudFront answers with the status the page's origin gave (same page); here the
original error is passed on, which for the site bucket is the same 403.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True, slots=True)
class ErrorResponse:
    """One CustomErrorResponse: the page to serve instead and the status to serve it with."""

    page_path: str
    response_code: int


def error_responses(template: dict[str, Any], distribution: str) -> dict[int, ErrorResponse]:
    """The distribution's mapping, origin error code -> replacement (entries without a page
    only set error caching, which the local edge does not do)."""
    config = template["Resources"][distribution]["Properties"]["DistributionConfig"]
    mapping = {}
    for entry in config.get("CustomErrorResponses", []):
        if "ResponsePagePath" in entry:
            code = int(entry.get("ResponseCode", entry["ErrorCode"]))
            mapping[int(entry["ErrorCode"])] = ErrorResponse(entry["ResponsePagePath"], code)
    return mapping


# The error page's bytes and content type, or None when it cannot be fetched.
PageFetcher = Callable[[str], Awaitable[tuple[bytes, str] | None]]


class CustomErrorResponses:
    """ASGI wrapper: a mapped error status from `app` becomes the error page."""

    def __init__(self, app: ASGIApp, mapping: dict[int, ErrorResponse], fetch: PageFetcher):
        self._app = app
        self._mapping = mapping
        self._fetch = fetch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._mapping:
            await self._app(scope, receive, send)
            return
        held: list[Message] = []
        replacement: ErrorResponse | None = None

        async def intercept(message: Message) -> None:
            nonlocal replacement
            if message["type"] == "http.response.start":
                replacement = self._mapping.get(message["status"])
            if replacement is None:
                await send(message)
            else:
                held.append(message)  # the origin's error, kept in case the page is missing

        await self._app(scope, receive, intercept)
        if replacement is None:
            return
        page = await self._fetch(replacement.page_path)
        if page is None:
            for message in held:
                await send(message)
            return
        body, content_type = page
        length = str(len(body)).encode()
        headers = [(b"content-type", content_type.encode()), (b"content-length", length)]
        await send(
            {"type": "http.response.start", "status": replacement.response_code, "headers": headers}
        )
        head = scope["method"] == "HEAD"
        await send({"type": "http.response.body", "body": b"" if head else body})
