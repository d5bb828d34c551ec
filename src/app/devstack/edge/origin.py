"""The site locally: one origin serving the site bucket, thumbnails, and /api/* (the gateway).

Like the CloudFront distribution: `/api/*` goes to the API Gateway stage (the StripApiPrefix
function removes `/api`, the origin path adds the stage), `/thumbnails/*` to the photos bucket,
everything else to the site bucket with the same pretty-URL rewrite as the PrettyUrls function.
The distribution's custom error responses (the rendered 404 page) apply to all three.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from app.devstack.edge.errors import CustomErrorResponses, ErrorResponse
from app.devstack.edge.headers import SiteHeaders


def pretty_url(path: str) -> str:
    """The PrettyUrls CloudFront Function, in Python: folders map to their index.html."""
    if path.endswith("/"):
        return path + "index.html"
    if "." not in path.rsplit("/", 1)[-1]:
        return path + "/index.html"
    return path


class ApiBehavior:
    """The `/api/*` cache behaviour's path: `/api` stripped, the stage's origin path added."""

    def __init__(self, gateway: ASGIApp, stage: str) -> None:
        self._gateway = gateway
        self._prefix = f"/{stage}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path") or scope["path"].encode()
        raw_rest = raw[len(b"/api") :] or b"/"
        rest = scope["path"][len("/api") :] or "/"
        scope = {
            **scope,
            "path": self._prefix + rest,
            "raw_path": self._prefix.encode() + raw_rest,
            "root_path": "",
        }
        await self._gateway(scope, receive, send)


# What S3 answers for a missing key when the caller may not list the bucket, as the
# distribution's access (s3:GetObject only) may not (S3 API Reference, GetObject: "Permissions").
_ACCESS_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
)


def site_app(
    gateway: ASGIApp,
    stage: str,
    s3: Any,
    bucket: str,
    photos_bucket: str | None = None,
    error_pages: dict[int, ErrorResponse] | None = None,
    headers: dict[str, str] | None = None,
) -> ASGIApp:
    """One origin: `/api/*` -> the gateway, `/thumbnails/*` -> the photos bucket, the rest ->
    the site bucket; then the distribution's custom error responses over all of them, and the
    site behaviours' security headers (`headers`) over the site's answers."""
    api = ApiBehavior(gateway, stage)

    async def page(request: Request) -> Response:
        path = request.url.path
        source = bucket
        if photos_bucket and path.startswith("/thumbnails/"):
            source, key = photos_bucket, path.lstrip("/")
        else:
            key = pretty_url(path).lstrip("/")
        try:
            obj = s3.get_object(Bucket=source, Key=key)
        except s3.exceptions.NoSuchKey:
            return Response(_ACCESS_DENIED, status_code=403, media_type="application/xml")
        headers = {"Cache-Control": obj.get("CacheControl", ""), "ETag": obj["ETag"]}
        if request.headers.get("if-none-match") == obj["ETag"]:
            return Response(status_code=304, headers=headers)
        return Response(obj["Body"].read(), media_type=obj["ContentType"], headers=headers)

    async def origin(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            await api(scope, receive, send)
        else:
            await site(scope, receive, send)

    async def error_page(path: str) -> tuple[bytes, str] | None:
        # The page path is on the default behaviour: the site bucket.
        try:
            obj = s3.get_object(Bucket=bucket, Key=path.lstrip("/"))
        except s3.exceptions.NoSuchKey:
            return None
        return obj["Body"].read(), obj["ContentType"]

    site = Starlette(routes=[Route("/{path:path}", page)])
    return SiteHeaders(CustomErrorResponses(origin, error_pages or {}, error_page), headers or {})
