"""API Gateway's own responses (answered without the integration), as the API customizes them.

Each response type has a default status (API Gateway developer guide, "Gateway response types");
a type the API does not customize falls back to DEFAULT_4XX or DEFAULT_5XX when those are, keeping
the type's status, and to API Gateway's plain `{"message": ...}` otherwise. Templates support only
simple substitution of `$context` variables (no VTL): `$context.error.messageString` is the message
already quoted as a JSON string, `$context.error.message` the bare text. Header values in quotes are
static; `method.request.header.X` copies the request's header.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from app.devstack.gateway.spec import GatewayResponse

# type -> (default status, x-amzn-ErrorType)
RESPONSE_TYPES: dict[str, tuple[int, str]] = {
    "ACCESS_DENIED": (403, "AccessDeniedException"),
    "API_CONFIGURATION_ERROR": (500, "InternalServerErrorException"),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "AuthorizerConfigurationException"),
    "INTEGRATION_FAILURE": (504, "InternalServerErrorException"),
    "INTEGRATION_TIMEOUT": (504, "InternalServerErrorException"),
    "MISSING_AUTHENTICATION_TOKEN": (403, "MissingAuthenticationTokenException"),
    "REQUEST_TOO_LARGE": (413, "RequestTooLargeException"),
    "THROTTLED": (429, "TooManyRequestsException"),
    "UNAUTHORIZED": (401, "UnauthorizedException"),
    # Not types of their own: a failed or malformed integration response is a 502 (and a Lambda
    # invoke refused, a 500) answered through DEFAULT_5XX (Lambda developer guide, "Handling
    # Lambda errors with an API Gateway API").
    "DEFAULT_5XX": (502, "InternalServerErrorException"),
}
_VARIABLE = re.compile(r"\$context\.[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]")


@dataclass(frozen=True)
class RenderedResponse:
    """A gateway response ready to send."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def render(
    configured: dict[str, GatewayResponse],
    response_type: str,
    message: str,
    context: dict[str, str],
    request_headers: list[tuple[str, str]],
    status: int | None = None,
) -> RenderedResponse:
    """The response of `response_type` with `message`; `status` overrides the type's default."""
    default_status, error_type = RESPONSE_TYPES.get(response_type, (status or 500, "Exception"))
    status = status or default_status
    fallback = "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX"
    custom = configured.get(response_type) or configured.get(fallback)
    variables = {
        **{f"$context.{k}": v for k, v in context.items()},
        "$context.error.message": message,
        "$context.error.messageString": json.dumps(message),
        "$context.error.responseType": response_type,
    }
    headers = [("x-amzn-ErrorType", error_type)]
    if custom is None:
        body = json.dumps({"message": message}).encode()
        return RenderedResponse(status, [*headers, ("Content-Type", "application/json")], body)
    for name, value in custom.headers.items():
        headers.append((name, _header_value(value, request_headers)))
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    template = custom.templates.get("application/json") or next(iter(custom.templates.values()), "")
    body = _VARIABLE.sub(lambda m: variables.get(m.group(0), ""), template).encode()
    return RenderedResponse(custom.status or status, headers, body)


def _header_value(value: str, request_headers: list[tuple[str, str]]) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    prefix = "method.request.header."
    if value.startswith(prefix):
        name = value[len(prefix) :].lower()
        return next((v for k, v in reversed(request_headers) if k.lower() == name), "")
    return ""
