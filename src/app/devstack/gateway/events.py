"""The Lambda proxy integration of a REST API: the event API Gateway sends, the response it reads.

Event fields follow "Input format of a Lambda function for proxy integration" (API Gateway developer
guide) and recorded events (events/api/): `path` keeps the client's percent-encoding while
`pathParameters` are decoded; a repeated header or query parameter keeps its last value in the
single-value maps and all values in the multi-value ones; maps with nothing in them are null; the
stage is in `requestContext.path` but not in `path`; `requestContext.authorizer.claims` holds the
Cognito authorizer's claims, every value a string. The body is passed as text unless its
Content-Type is one of the API's binary media types, then base64-encoded with `isBase64Encoded`.

A response is read as API Gateway reads it (SAM CLI's local_apigw_service does the same): a JSON
object with `statusCode`, `headers`, `multiValueHeaders`, `body`, `isBase64Encoded` and nothing
else; both header maps are merged ("If you specify values for both headers and multiValueHeaders,
API Gateway merges them into a single list"); a base64 body is decoded only when the client accepts
a binary media type. Anything else is malformed: the client gets a 502.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

_ALLOWED_RESPONSE_KEYS = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}


class MalformedResponse(Exception):
    """The function's response is not a proxy integration response."""


@dataclass(frozen=True)
class GatewayRequest:
    """What the gateway knows of one request when it builds the event."""

    method: str
    raw_path: str  # percent-encoded, without the stage
    query_string: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    domain_name: str
    stage: str
    request_id: str
    api_id: str


def is_binary(content_type: str, binary_media_types: tuple[str, ...]) -> bool:
    """Whether a media type is one of the API's binary media types (which allow wildcards)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return bool(media_type) and any(
        fnmatch.fnmatchcase(media_type, t.lower()) for t in binary_media_types
    )


def _header_maps(headers: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def proxy_event(
    request: GatewayRequest,
    resource: str,
    path_parameters: dict[str, str],
    claims: dict[str, str] | None,
    binary_media_types: tuple[str, ...],
) -> dict[str, Any]:
    """The REST API proxy event for one request."""
    headers, multi_headers = _header_maps(request.headers)
    pairs = parse_qsl(request.query_string, keep_blank_values=True)
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in pairs:
        query[name] = value
        multi_query.setdefault(name, []).append(value)
    content_type = next((v for k, v in request.headers if k.lower() == "content-type"), "")
    encoded = is_binary(content_type, binary_media_types)
    body: str | None = None
    if request.body:
        if encoded:
            body = base64.b64encode(request.body).decode()
        else:
            body = request.body.decode("utf-8", errors="replace")
    now = time.time()
    user_agent = next((v for k, v in request.headers if k.lower() == "user-agent"), None)
    request_context: dict[str, Any] = {
        "resourceId": f"{zlib.crc32(resource.encode()):08x}"[:6],
        "resourcePath": resource,
        "httpMethod": request.method,
        "extendedRequestId": request.request_id.replace("-", "")[:16] + "=",
        "requestTime": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "path": f"/{request.stage}{request.raw_path}",
        "accountId": "123456789012",
        "protocol": "HTTP/1.1",
        "stage": request.stage,
        "domainPrefix": request.domain_name.split(".", 1)[0],
        "requestTimeEpoch": int(now * 1000),
        "requestId": request.request_id,
        "identity": {
            "cognitoIdentityPoolId": None,
            "accountId": None,
            "cognitoIdentityId": None,
            "caller": None,
            "sourceIp": request.source_ip,
            "principalOrgId": None,
            "accessKey": None,
            "cognitoAuthenticationType": None,
            "cognitoAuthenticationProvider": None,
            "userArn": None,
            "userAgent": user_agent,
            "user": None,
        },
        "domainName": request.domain_name,
        "apiId": request.api_id,
    }
    if claims is not None:
        request_context["authorizer"] = {"claims": claims}
    return {
        "resource": resource,
        "path": request.raw_path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": body,
        "isBase64Encoded": encoded,
    }


@dataclass(frozen=True)
class ProxyResponse:
    """A function's response as the client will get it."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _text(value: Any, what: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise MalformedResponse(f"{what} must be a string")


def read_response(output: Any, accept: str, binary_media_types: tuple[str, ...]) -> ProxyResponse:
    """Check and map a proxy integration response; raises MalformedResponse."""
    if not isinstance(output, dict):
        raise MalformedResponse(f"the response is a {type(output).__name__}, not an object")
    unknown = set(output) - _ALLOWED_RESPONSE_KEYS
    if unknown:
        raise MalformedResponse(f"unknown response keys: {sorted(unknown)}")
    status = output.get("statusCode")
    if isinstance(status, bool) or not isinstance(status, int | str):
        raise MalformedResponse("statusCode must be a number")
    try:
        code = int(status)
    except ValueError:
        raise MalformedResponse("statusCode must be a number") from None
    if not 100 <= code <= 599:
        raise MalformedResponse("statusCode is not an HTTP status")
    headers = _merged_headers(output.get("headers"), output.get("multiValueHeaders"))
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))  # REST APIs default to JSON
    body = output.get("body")
    if body is None:
        return ProxyResponse(code, headers, b"")
    text = _text(body, "body")
    encoded = output.get("isBase64Encoded", False)
    if encoded not in (True, False):
        raise MalformedResponse("isBase64Encoded must be a boolean")
    if encoded and is_binary(accept.split(",", 1)[0], binary_media_types):
        try:
            return ProxyResponse(code, headers, base64.b64decode(text, validate=True))
        except binascii.Error:
            raise MalformedResponse("isBase64Encoded, but the body is not base64") from None
    return ProxyResponse(code, headers, text.encode())


def _merged_headers(single: Any, multi: Any) -> list[tuple[str, str]]:
    if single is not None and not isinstance(single, dict):
        raise MalformedResponse("headers must be an object")
    if multi is not None and not isinstance(multi, dict):
        raise MalformedResponse("multiValueHeaders must be an object")
    merged: list[tuple[str, str]] = []
    for name, values in (multi or {}).items():
        if not isinstance(values, list):
            raise MalformedResponse("multiValueHeaders values must be lists")
        merged.extend((str(name), _text(v, "a header value")) for v in values)
    for name, value in (single or {}).items():
        text = _text(value, "a header value")
        if (str(name), text) not in merged:  # the same pair in both maps appears once
            merged.append((str(name), text))
    return merged
