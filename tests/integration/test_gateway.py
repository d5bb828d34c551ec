"""The local API Gateway in front of the real functions: routing, the stage cache, throttling and
its own error responses, all as the template declares them."""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Any

import httpx
import pytest

from app.devstack.gateway.spec import ApiSpec
from tests.conftest import LocalAws, SignedIn
from tests.gateways import InProcess

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def raw(api_url: str) -> Iterator[httpx.Client]:
    """A client that takes a 429 as it comes (the shared `client` waits throttling out)."""
    with httpx.Client(base_url=api_url, timeout=30) as http:
        yield http


def invoked(
    local_aws: LocalAws, send: Callable[[], httpx.Response]
) -> tuple[httpx.Response, set[str]]:
    """The response, and which functions ran for it."""
    before = local_aws.invocations()
    response = send()
    after = local_aws.invocations()
    return response, {name for name, count in after.items() if count != before[name]}


def test_each_route_reaches_only_the_function_the_template_names(
    client: httpx.Client, local_aws: LocalAws, sign_up: Callable[..., SignedIn]
) -> None:
    user = sign_up()
    expectations = [
        (lambda: client.get("/health"), {"TodosFunction"}),
        (lambda: client.get("/todos", headers=user.headers), {"TodosFunction"}),
        (lambda: client.get("/me/storage", headers=user.headers), {"StorageFunction"}),
        (lambda: client.get("/posts", params={"limit": "3"}), {"PostsFunction"}),
        (
            lambda: client.post(
                "/subscriptions", json={"email": f"r-{secrets.token_hex(3)}@x.org"}
            ),
            {"SubscriptionsFunction"},
        ),
        # The photos service asks the blog service (its own function) over the API.
        (lambda: client.get("/posts/no-such-post/photos"), {"PhotosFunction", "PostsFunction"}),
    ]
    for send, functions in expectations:
        response, ran = invoked(local_aws, send)
        assert response.status_code < 500, response.text
        assert ran == functions


def test_a_stage_the_api_does_not_have_is_forbidden(local_aws: LocalAws) -> None:
    stage_root = local_aws.api_url.rstrip("/").rsplit("/", 1)[0]
    response = httpx.get(f"{stage_root}/prod/health")
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}


def test_head_and_options_are_methods_like_any_other(raw: httpx.Client) -> None:
    """A REST API answers only the methods it defines (no implicit HEAD or OPTIONS)."""
    assert raw.head("/health").status_code == 404
    options = raw.options("/posts")
    assert options.status_code == 404
    assert options.json()["code"] == "route_not_found"


def test_a_payload_over_10_mb_is_refused_by_the_gateway(
    raw: httpx.Client, local_aws: LocalAws, sign_up: Callable[..., SignedIn]
) -> None:
    user = sign_up()
    big = b"x" * (10 * 1024 * 1024 + 1)
    response, ran = invoked(
        local_aws, lambda: raw.post("/todos", content=big, headers=user.headers)
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "payload_too_large"
    assert ran == set()


def test_throttling_answers_429_problems_with_retry_after(
    raw: httpx.Client, local_aws: LocalAws
) -> None:
    """POST /subscriptions: 5 requests a second, bursts of 10 (the template's MethodSettings)."""
    before = local_aws.invocations()["SubscriptionsFunction"]

    def subscribe(_: int) -> httpx.Response:
        return raw.post("/subscriptions", json={"email": f"t-{secrets.token_hex(3)}@x.org"})

    # 30 at once: past the burst of 10 even if they trickle in over a busy second or two.
    with ThreadPoolExecutor(max_workers=30) as crowd:
        responses = list(crowd.map(subscribe, range(30)))
    throttled = [r for r in responses if r.status_code == 429]
    assert len(throttled) >= 5
    for response in throttled:
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["retry-after"] == "1"
        assert response.json()["code"] == "throttled"
    served = len(responses) - len(throttled)
    assert local_aws.invocations()["SubscriptionsFunction"] - before == served


def without_authorization_in_the_key(spec: ApiSpec, resource: str) -> ApiSpec:
    """The planted mistake: a cached private route whose cache key lacks `Authorization`."""
    routes = [
        dataclasses.replace(
            route,
            cache_key_parameters=tuple(
                p for p in route.cache_key_parameters if not p.endswith(".Authorization")
            ),
        )
        if (route.resource, route.method) == (resource, "GET")
        else route
        for route in spec.routes
    ]
    return dataclasses.replace(spec, routes=routes)


def assert_callers_stay_apart(api_url: str, ana: SignedIn, ben: SignedIn) -> None:
    """Two users read the same cached path: each sees only their own to-dos."""
    with httpx.Client(base_url=api_url, timeout=30) as http:
        mine = http.post(
            "/todos", json={"title": f"ana's {secrets.token_hex(3)}"}, headers=ana.headers
        )
        assert mine.status_code == 201
        theirs = http.post("/todos", json={"title": "ben's"}, headers=ben.headers)
        assert theirs.status_code == 201
        for _ in range(2):
            seen_by_ana = [t["id"] for t in http.get("/todos", headers=ana.headers).json()["items"]]
            seen_by_ben = [t["id"] for t in http.get("/todos", headers=ben.headers).json()["items"]]
            assert mine.json()["id"] not in seen_by_ben, "ben was served ana's to-dos"
            assert theirs.json()["id"] not in seen_by_ana, "ana was served ben's to-dos"


def test_two_users_on_a_cached_path_never_see_each_other(
    api_url: str, sign_up: Callable[..., SignedIn]
) -> None:
    assert_callers_stay_apart(api_url, sign_up(), sign_up())


def test_the_leak_test_catches_a_cache_key_without_authorization(
    local_aws: LocalAws, sign_up: Callable[..., SignedIn]
) -> None:
    stack = local_aws.stack
    planted = without_authorization_in_the_key(stack.gateway.spec, "/todos")
    with (
        stack.another_gateway(planted, stack.functions.invoke) as url,
        pytest.raises(AssertionError, match="was served"),
    ):
        assert_callers_stay_apart(url, sign_up(), sign_up())


HOSTILE: list[tuple[str, dict[str, Any]]] = [
    ("a conditional GET answered 304", {"headers": {"If-None-Match": "*"}}),
    ("a malformed validator answered 400", {"headers": {"If-None-Match": "garbage"}}),
    ("a body on a GET", {"content": b"x" * 100_000}),
    ("a bogus token on a public route", {"headers": {"Authorization": "Bearer junk"}}),
    ("an unknown query parameter", {"params": {"zzz": "1"}}),
]


def poison_then_read(api_url: str, path: str) -> httpx.Response:
    """Send every hostile variant of a public cached GET, then the plain request."""
    with httpx.Client(base_url=api_url, timeout=30) as http:
        for _, hostile in HOSTILE:
            http.request("GET", path, **hostile)
        return http.get(path)


@pytest.fixture(scope="module")
def published(client: httpx.Client, sign_up: Callable[..., SignedIn]) -> str:
    author = sign_up(author=True)
    slug = f"cached-{secrets.token_hex(3)}"
    body = {"slug": slug, "title": "Cached", "body": "Read by many."}
    assert client.post("/posts", json=body, headers=author.headers).status_code == 201
    return slug


@pytest.mark.parametrize("path", ["/posts/{slug}", "/posts", "/openapi.json", "/docs"])
def test_a_public_cached_get_cannot_be_poisoned(api_url: str, published: str, path: str) -> None:
    """Whatever API Gateway caches (any status, ignoring Cache-Control), nothing a caller varies
    outside the cache key changes the answer stored under it."""
    clean = poison_then_read(api_url, path.format(slug=published))
    assert clean.status_code == 200, clean.text
    assert clean.content


def test_the_poisoning_test_catches_a_cache_key_without_if_none_match(
    local_aws: LocalAws, published: str
) -> None:
    stack = local_aws.stack
    routes = [
        dataclasses.replace(
            route,
            cache_key_parameters=tuple(
                p for p in route.cache_key_parameters if not p.endswith(".If-None-Match")
            ),
        )
        for route in stack.gateway.spec.routes
    ]
    planted = dataclasses.replace(stack.gateway.spec, routes=routes)
    with stack.another_gateway(planted, stack.functions.invoke) as url:
        clean = poison_then_read(url, f"/posts/{published}")
    assert clean.status_code == 304  # an empty answer, served to everyone for the TTL


def test_cache_invalidation_by_an_unauthorized_caller_is_refused(
    raw: httpx.Client, published: str
) -> None:
    """`Cache-Control: max-age=0` needs execute-api:InvalidateCache; the stage fails others with
    403 (the template's invalidation guard), so no caller can empty the cache at will."""
    response = raw.get(f"/posts/{published}", headers={"Cache-Control": "max-age=0"})
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "forbidden"


def echo(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """A function that answers with the event it was given."""
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(event),
    }


def test_events_have_the_shape_api_gateway_sends(
    local_aws: LocalAws, sign_up: Callable[..., SignedIn]
) -> None:
    author = sign_up(author=True)
    invoke = InProcess({"TodosFunction": echo, "PostsFunction": echo})
    with (
        closing(invoke),
        local_aws.stack.another_gateway(local_aws.stack.gateway.spec, invoke) as url,
        httpx.Client(base_url=url, timeout=30) as http,
    ):
        event = http.get(
            "/todos/a%2Fb%20c",
            params=[("fresh", "1"), ("fresh", "2"), ("flag", "")],
            headers={**author.headers, "X-Twice": "one"},
        ).json()
        public = http.get("/posts").json()
    assert event["resource"] == "/todos/{todo_id}"
    assert event["path"] == "/todos/a%2Fb%20c"  # as the client sent it
    assert event["pathParameters"] == {"todo_id": "a/b c"}  # decoded
    assert event["httpMethod"] == "GET"
    assert event["queryStringParameters"] == {"fresh": "2", "flag": ""}
    assert event["multiValueQueryStringParameters"] == {"fresh": ["1", "2"], "flag": [""]}
    assert event["headers"]["x-twice"] == "one"
    assert event["multiValueHeaders"]["x-twice"] == ["one"]
    assert event["headers"]["x-forwarded-proto"] == "http"
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    assert event["stageVariables"] is None
    context = event["requestContext"]
    assert context["stage"] == "test"
    assert context["path"] == "/test/todos/a%2Fb%20c"
    assert context["resourcePath"] == "/todos/{todo_id}"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["domainName"].startswith("127.0.0.1:")
    claims = context["authorizer"]["claims"]
    assert all(isinstance(value, str) for value in claims.values())
    assert claims["sub"] == author.sub
    assert claims["cognito:groups"] == "authors"
    assert claims["token_use"] == "id"
    assert claims["exp"].endswith(" UTC " + claims["exp"][-4:])  # "Tue Apr 04 18:39:39 UTC 2023"
    assert claims["auth_time"].isdigit()
    assert public["pathParameters"] is None
    assert public["queryStringParameters"] is None
    assert "authorizer" not in public["requestContext"]  # a public route: no authorizer ran


def test_a_function_error_or_a_malformed_response_is_a_502(
    local_aws: LocalAws, sign_up: Callable[..., SignedIn]
) -> None:
    def crashing(_event: dict[str, Any], _context: Any) -> Any:
        raise RuntimeError("boom")

    def malformed(_event: dict[str, Any], _context: Any) -> Any:
        return {"statusCode": 200, "body": {"not": "a string"}}

    invoke = InProcess({"TodosFunction": crashing, "PostsFunction": malformed})
    with (
        closing(invoke),
        local_aws.stack.another_gateway(local_aws.stack.gateway.spec, invoke) as url,
    ):
        for response in (httpx.get(f"{url}health"), httpx.get(f"{url}posts")):
            assert response.status_code == 502
            assert response.headers["content-type"] == PROBLEM
            body = response.json()
            assert body["status"] == 502
            assert body["code"] == "gateway_error"
            assert "boom" not in response.text
