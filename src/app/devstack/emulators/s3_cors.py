"""S3's CORS, evaluated as S3 evaluates a bucket's CORS configuration (moto 5.2 does not).

moto answers every origin with `Access-Control-Allow-Origin` (flask-cors on every service), checks
its S3 preflights against the bucket's rules only by origin, and authenticates them, so with IAM
enforced a browser's preflight fails. S3 itself (Amazon S3 User Guide, "Using cross-origin
resource sharing (CORS)", "How does Amazon S3 evaluate the CORS configuration on a bucket?"; API
Reference, "Appendix: OPTIONS object": without a CORS configuration a preflight gets 403):

- a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is never
  authenticated; the first rule whose `AllowedOrigins` match the origin (one `*` wildcard
  allowed), whose `AllowedMethods` hold the requested method and whose `AllowedHeaders` match every
  requested header is used: 200 with the allowed origin (or `*` for a `*` rule), the rule's
  methods, the requested headers, `ExposeHeaders` and `MaxAgeSeconds`;
  no matching rule is 403 "CORSResponse: This CORS request is not allowed...", a bucket
  without a CORS configuration 403 "CORSResponse: CORS is not enabled for this bucket.";
- an actual request carrying `Origin` is handled as usual; when a rule matches its origin and
  method the response (an error too) carries the CORS headers, otherwise none, so the browser
  hides it from the page.

`install()` puts this in front of the emulator's S3 (path-style URLs, as the local stack uses).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape

NOT_ALLOWED = (
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of "
    "Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers "
    "are not whitelisted by the resource's CORS spec."
)
NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket."
_VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"


@dataclass(frozen=True)
class CorsRule:
    """One rule of a bucket's CORS configuration (the S3 API's names, lower-cased)."""

    allowed_methods: tuple[str, ...]
    allowed_origins: tuple[str, ...]
    allowed_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age_seconds: int | None = None


def _wildcard(pattern: str, value: str, *, case_sensitive: bool) -> bool:
    """S3's match: the pattern is literal except for `*`, which matches any run of characters."""
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, value, 0 if case_sensitive else re.IGNORECASE) is not None


def _origin_allowed(rule: CorsRule, origin: str) -> bool:
    return any(_wildcard(o, origin, case_sensitive=True) for o in rule.allowed_origins)


def _headers_allowed(rule: CorsRule, requested: Iterable[str]) -> bool:
    return all(
        any(_wildcard(h, name, case_sensitive=False) for h in rule.allowed_headers)
        for name in requested
    )


def _allow_origin(rule: CorsRule, origin: str) -> list[tuple[str, str]]:
    if "*" in rule.allowed_origins:  # S3 answers a `*` rule with `*`, without credentials
        return [("Access-Control-Allow-Origin", "*")]
    return [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]


def preflight(
    rules: list[CorsRule] | None, origin: str, method: str, request_headers: str
) -> tuple[int, list[tuple[str, str]], str]:
    """S3's answer to a preflight: status, headers, body."""
    requested = [h.strip().lower() for h in request_headers.split(",") if h.strip()]
    if not rules:
        return _forbidden(NOT_ENABLED, method)
    for rule in rules:
        if (
            _origin_allowed(rule, origin)
            and method in rule.allowed_methods
            and _headers_allowed(rule, requested)
        ):
            headers = [
                *_allow_origin(rule, origin),
                ("Access-Control-Allow-Methods", ", ".join(rule.allowed_methods)),
                ("Vary", _VARY),
            ]
            if requested:
                headers.append(("Access-Control-Allow-Headers", ", ".join(requested)))
            if rule.expose_headers:
                headers.append(("Access-Control-Expose-Headers", ", ".join(rule.expose_headers)))
            if rule.max_age_seconds is not None:
                headers.append(("Access-Control-Max-Age", str(rule.max_age_seconds)))
            return 200, headers, ""
    return _forbidden(NOT_ALLOWED, method)


def actual(rules: list[CorsRule] | None, origin: str, method: str) -> list[tuple[str, str]]:
    """The CORS headers S3 adds to the response of a request from `origin` (maybe none)."""
    for rule in rules or []:
        if _origin_allowed(rule, origin) and method in rule.allowed_methods:
            headers = [*_allow_origin(rule, origin), ("Vary", _VARY)]
            if rule.expose_headers:
                headers.append(("Access-Control-Expose-Headers", ", ".join(rule.expose_headers)))
            return headers
    return []


def _forbidden(message: str, method: str) -> tuple[int, list[tuple[str, str]], str]:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessForbidden</Code>'
        f"<Message>{escape(message)}</Message><Method>{escape(method)}</Method>"
        "<ResourceType>OBJECT</ResourceType></Error>"
    )
    return 403, [("Content-Type", "application/xml")], body


def bucket_of(path: str) -> str | None:
    """The bucket a path-style request names."""
    name = unquote(path.lstrip("/").split("/", 1)[0])
    return name or None


def rules_from_moto(bucket: str) -> list[CorsRule] | None:
    """The bucket's CORS rules as moto holds them (any account); None without a configuration."""
    from moto.s3.models import s3_backends

    for account in list(s3_backends.keys()):
        found = s3_backends[account]["aws"].buckets.get(bucket)
        if found is not None:
            return [
                CorsRule(
                    allowed_methods=tuple(r.allowed_methods or ()),
                    allowed_origins=tuple(r.allowed_origins or ()),
                    allowed_headers=tuple(r.allowed_headers or ()),
                    expose_headers=tuple(r.exposed_headers or ()),
                    max_age_seconds=int(r.max_age_seconds) if r.max_age_seconds else None,
                )
                for r in found.cors
            ] or None
    return None


def cors_middleware(
    app: Callable[..., Any], rules_of: Callable[[str], list[CorsRule] | None] = rules_from_moto
) -> Callable[..., Any]:
    """Wrap a WSGI app (moto's) so its S3 answers CORS as S3 does."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        origin = environ.get("HTTP_ORIGIN")
        bucket = bucket_of(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD", "GET")
        if not origin or bucket is None:
            return app(environ, start_response)
        requested_method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
        if method == "OPTIONS" and requested_method:
            status, headers, body = preflight(
                rules_of(bucket), origin, requested_method,
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", ""),
            )  # fmt: skip
            data = body.encode()
            start_response(
                f"{status} {'OK' if status == 200 else 'Forbidden'}",
                [*headers, ("Content-Length", str(len(data)))],
            )
            return [data]
        cors = actual(rules_of(bucket), origin, method)

        def with_cors(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            kept = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
            return start_response(status, [*kept, *cors], *rest)

        return app(environ, with_cors)

    return wrapped


def install() -> None:
    """S3's CORS in front of this process's moto server, instead of moto's own (idempotent)."""
    from moto.moto_server import werkzeug_app
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if getattr(DomainDispatcherApplication, "_s3_cors_installed", False):
        return
    werkzeug_app.DISABLE_GLOBAL_CORS = True  # type: ignore[attr-defined]  # no flask-cors `*`
    original = DomainDispatcherApplication.__call__

    def call(self: Any, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return cors_middleware(lambda e, s: original(self, e, s))(environ, start_response)

    DomainDispatcherApplication.__call__ = call  # type: ignore[method-assign]
    DomainDispatcherApplication._s3_cors_installed = True  # type: ignore[attr-defined]
