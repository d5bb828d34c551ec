"""The user-files emulator's CORS, as S3 evaluates a bucket's rules (the template's rule here)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from app.devstack.emulators.s3_cors import (
    NOT_ALLOWED,
    NOT_ENABLED,
    CorsRule,
    actual,
    cors_middleware,
    preflight,
)

SITE = "https://d111.cloudfront.net"
# The template's UserFilesBucket rule, with SiteOrigin resolved.
RULES = [
    CorsRule(
        allowed_methods=("GET", "PUT", "DELETE", "HEAD"),
        allowed_origins=(SITE,),
        allowed_headers=("*",),
        expose_headers=("ETag",),
        max_age_seconds=3600,
    )
]
SDK_HEADERS = (  # what the AWS SDK for JavaScript's PutObject asks for
    "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,"
    "x-amz-date,x-amz-security-token,x-amz-user-agent"
)


def test_a_preflight_from_the_site_is_allowed_with_the_rules_answer() -> None:
    status, headers, body = preflight(RULES, SITE, "PUT", SDK_HEADERS)
    answer = dict(headers)
    assert status == 200
    assert body == ""
    assert answer["Access-Control-Allow-Origin"] == SITE
    assert answer["Access-Control-Allow-Methods"] == "GET, PUT, DELETE, HEAD"
    assert answer["Access-Control-Allow-Headers"].split(", ") == SDK_HEADERS.split(",")
    assert answer["Access-Control-Expose-Headers"] == "ETag"
    assert answer["Access-Control-Max-Age"] == "3600"


def test_a_preflight_from_another_origin_is_refused() -> None:
    status, headers, body = preflight(RULES, "https://evil.example", "GET", "")
    assert status == 403
    assert "Access-Control-Allow-Origin" not in dict(headers)
    assert "AccessForbidden" in body
    assert "This CORS request is not allowed" in body
    assert NOT_ALLOWED.startswith("CORSResponse")


def test_a_preflight_for_a_method_no_rule_allows_is_refused() -> None:
    assert preflight(RULES, SITE, "POST", "")[0] == 403


def test_requested_headers_must_match_the_rules_allowed_headers() -> None:
    narrow = [CorsRule(("PUT",), (SITE,), allowed_headers=("x-amz-*", "Authorization"))]
    assert preflight(narrow, SITE, "PUT", "authorization,x-amz-date")[0] == 200
    assert preflight(narrow, SITE, "PUT", "authorization,content-type")[0] == 403


def test_a_bucket_without_cors_refuses_every_preflight() -> None:
    status, _, body = preflight(None, SITE, "GET", "")
    assert status == 403
    assert "CORS is not enabled for this bucket" in body
    assert NOT_ENABLED in body


def test_one_wildcard_in_an_origin_and_a_star_rule() -> None:
    wildcard = [CorsRule(("GET",), ("https://*.example.com",))]
    assert preflight(wildcard, "https://app.example.com", "GET", "")[0] == 200
    assert preflight(wildcard, "https://example.org", "GET", "")[0] == 403
    anyone = [CorsRule(("GET",), ("*",))]
    _, headers, _ = preflight(anyone, "https://x.example", "GET", "")
    assert dict(headers)["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in dict(headers)


def test_an_actual_request_gets_cors_headers_only_when_a_rule_matches() -> None:
    assert dict(actual(RULES, SITE, "GET"))["Access-Control-Allow-Origin"] == SITE
    assert dict(actual(RULES, SITE, "GET"))["Access-Control-Expose-Headers"] == "ETag"
    assert actual(RULES, "https://evil.example", "GET") == []
    assert actual(RULES, SITE, "POST") == []
    assert actual(None, SITE, "GET") == []


def _call(
    environ: dict[str, Any], rules: list[CorsRule] | None = RULES
) -> tuple[str, dict[str, str], bytes, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    def backend(env: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        seen.append(env)
        start(
            "403 Forbidden",
            [("Content-Type", "application/xml"), ("Access-Control-Allow-Origin", "*")],
        )
        return [b"<Error><Code>AccessDenied</Code></Error>"]

    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(
        cors_middleware(backend, lambda bucket: rules if bucket == "files" else None)(
            environ, start_response
        )
    )
    return answer["status"], answer["headers"], body, seen


def test_the_middleware_answers_preflights_without_reaching_the_emulator() -> None:
    environ = {
        "REQUEST_METHOD": "OPTIONS",
        "PATH_INFO": "/files/private/abc/photo.jpg",
        "HTTP_ORIGIN": SITE,
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization",
    }
    status, headers, _, seen = _call(environ)
    assert status.startswith("200")
    assert headers["Access-Control-Allow-Origin"] == SITE
    assert seen == []  # never authenticated, as S3 does not authenticate preflights


def test_an_error_answer_carries_the_rules_headers_instead_of_the_emulators_star() -> None:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/files/private/other/x", "HTTP_ORIGIN": SITE}
    status, headers, body, _ = _call(environ)
    assert status.startswith("403")
    assert b"AccessDenied" in body
    assert headers["Access-Control-Allow-Origin"] == SITE  # the page can read the refusal


def test_a_request_from_another_origin_loses_every_cors_header() -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/files/x",
        "HTTP_ORIGIN": "https://evil.example",
    }
    _, headers, _, _ = _call(environ)
    assert not any(name.lower().startswith("access-control-") for name in headers)


def test_requests_without_an_origin_pass_untouched() -> None:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/files/x"}
    _, headers, _, seen = _call(environ)
    assert len(seen) == 1
    assert headers["Access-Control-Allow-Origin"] == "*"
