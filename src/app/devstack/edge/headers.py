"""The site's security headers locally: the distribution's ResponseHeadersPolicy, read from the
template, applied to the site's responses (not /api/*, as on CloudFront).

The Content-Security-Policy is the template's, resolved for the local stack, with the local
endpoints the pages reach instead of AWS's (the emulators: Cognito, the identity service, S3)
added to its connect-src; the template's AWS hosts stay, unused. Strict-Transport-Security is
left out locally: a browser that saw it on `localhost` would insist on HTTPS there (for every
local project) for the policy's two years; the template tests hold its value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.devstack.provisioning.model import Provisioned


def headers_policy(template: dict[str, Any], distribution: str) -> dict[str, Any] | None:
    """The SecurityHeadersConfig of the default behaviour's response headers policy."""
    config = template["Resources"][distribution]["Properties"]["DistributionConfig"]
    reference = config["DefaultCacheBehavior"].get("ResponseHeadersPolicyId")
    if not isinstance(reference, dict) or "Ref" not in reference:
        return None
    policy = template["Resources"][reference["Ref"]]["Properties"]["ResponseHeadersPolicyConfig"]
    security: dict[str, Any] = policy.get("SecurityHeadersConfig", {})
    return security


def security_headers(config: dict[str, Any]) -> dict[str, str]:
    """The headers CloudFront adds for a (resolved) SecurityHeadersConfig, by header name."""
    headers = {}
    if "ContentSecurityPolicy" in config:
        headers["Content-Security-Policy"] = str(
            config["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        )
    if "StrictTransportSecurity" in config:
        hsts = config["StrictTransportSecurity"]
        value = f"max-age={hsts['AccessControlMaxAgeSec']}"
        value += "; includeSubDomains" if _true(hsts.get("IncludeSubdomains")) else ""
        value += "; preload" if _true(hsts.get("Preload")) else ""
        headers["Strict-Transport-Security"] = value
    if "ContentTypeOptions" in config:
        headers["X-Content-Type-Options"] = "nosniff"
    if "FrameOptions" in config:
        headers["X-Frame-Options"] = str(config["FrameOptions"]["FrameOption"])
    if "ReferrerPolicy" in config:
        headers["Referrer-Policy"] = str(config["ReferrerPolicy"]["ReferrerPolicy"])
    return headers


def with_connect_sources(policy: str, origins: Iterable[str]) -> str:
    """`policy` with each origin (scheme://host:port of a URL) added to its connect-src."""
    added = sorted({f"{u.scheme}://{u.netloc}" for u in map(urlsplit, origins) if u.netloc})
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    for index, directive in enumerate(directives):
        if directive.split()[0] == "connect-src":
            directives[index] = " ".join([directive, *added])
            break
    else:
        directives.append(" ".join(["connect-src", "'self'", *added]))
    return "; ".join(directives)


def local_site_headers(
    provisioned: Provisioned, distribution: str, local_endpoints: Iterable[str]
) -> dict[str, str]:
    """What the local site sends: the template's policy, local endpoints added, no HSTS."""
    config = headers_policy(provisioned.template, distribution)
    if config is None:
        return {}
    headers = security_headers(provisioned.resolve(config))
    headers.pop("Strict-Transport-Security", None)
    if "Content-Security-Policy" in headers:
        csp = headers["Content-Security-Policy"]
        headers["Content-Security-Policy"] = with_connect_sources(csp, local_endpoints)
    return headers


class SiteHeaders:
    """Sets `headers` on every response outside /api/* (overriding the origin's, as the
    policy's Override: true does)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self._app = app
        self._headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._headers or scope["path"].startswith("/api/"):
            await self._app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self._headers.items():
                    headers[name] = value
            await send(message)

        await self._app(scope, receive, send_with_headers)


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"
