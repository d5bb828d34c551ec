"""HTTP validators on every GET (RFC 9110): an ETag, a Cache-Control, and 304 on If-None-Match."""

from __future__ import annotations

import hashlib

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.etags import if_none_match_hits

# Headers a 304 repeats (RFC 9110 15.4.5): the validator and the caching rules.
_KEPT_ON_304 = ("etag", "cache-control", "vary", "expires", "content-location", "date")


class ConditionalGetMiddleware:
    """Gives every successful GET a weak ETag (body hash) unless the route set a strong one,
    a Cache-Control (`private` unless the path is public), and answers If-None-Match with 304.
    """

    def __init__(self, app: ASGIApp, public_paths: dict[str, str], private: str) -> None:
        self.app = app
        self.public_paths = public_paths
        self.private = private

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = bytearray()

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._finish(scope, start, bytes(body), send)
            else:
                await send(message)

        await self.app(scope, receive, buffer)

    async def _finish(self, scope: Scope, start: Message | None, body: bytes, send: Send) -> None:
        assert start is not None  # noqa: S101 - ASGI sends the start before the body
        headers = MutableHeaders(raw=list(start["headers"]))
        status = start["status"]
        if status == 200:
            if "etag" not in headers:
                headers["ETag"] = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
            if "cache-control" not in headers:
                route = scope["path"][len(scope.get("root_path", "")) :]
                headers["Cache-Control"] = self.public_paths.get(route, self.private)
            if "private" in headers["cache-control"]:
                headers["Vary"] = "Authorization"
            request_headers = dict(scope["headers"])
            if_none_match = request_headers.get(b"if-none-match")
            if if_none_match is not None and if_none_match_hits(
                if_none_match.decode("latin-1"), headers["etag"]
            ):
                kept = [(k, v) for k, v in headers.raw if k.decode("latin-1") in _KEPT_ON_304]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})
