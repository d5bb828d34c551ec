"""The local API Gateway's parts, each against what API Gateway does."""

from __future__ import annotations

from typing import Any

import pytest

from app.devstack.gateway.authorizer import claims_as_strings
from app.devstack.gateway.cache import CachedResponse, StageCache, cache_key
from app.devstack.gateway.events import MalformedResponse, read_response
from app.devstack.gateway.routing import Router
from app.devstack.gateway.spec import Route
from app.devstack.gateway.throttling import TokenBucket


def route(resource: str, method: str = "GET", **options: Any) -> Route:
    return Route(
        resource=resource, method=method, function=f"{method}{resource}", authorizer=None, **options
    )


ROUTER = Router(
    [
        route("/posts"),
        route("/posts/{slug}"),
        route("/posts/{slug}/photos"),
        route("/posts/drafts"),
        route("/files/{proxy+}", "ANY"),
        route("/"),
    ]
)


@pytest.mark.parametrize(
    ("path", "resource", "parameters"),
    [
        ("/posts", "/posts", {}),
        ("/posts/", "/posts", {}),  # a trailing slash names the same resource
        ("/posts/drafts", "/posts/drafts", {}),  # a literal segment beats {slug}
        ("/posts/hello", "/posts/{slug}", {"slug": "hello"}),
        ("/posts/a%2Fb", "/posts/{slug}", {"slug": "a/b"}),  # %2F stays in its segment, decoded
        ("/posts/caf%C3%A9/photos", "/posts/{slug}/photos", {"slug": "café"}),
        ("/files/a/b/c.txt", "/files/{proxy+}", {"proxy": "a/b/c.txt"}),
        ("/", "/", {}),
    ],
)
def test_the_most_specific_resource_wins(
    path: str, resource: str, parameters: dict[str, str]
) -> None:
    match = ROUTER.match("GET", path)
    assert match is not None
    assert (match.route.resource, match.path_parameters) == (resource, parameters)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nope"), ("POST", "/posts"), ("GET", "/files"), ("GET", "/posts/a/b/c")],
)
def test_no_route_for_an_unknown_path_or_method(method: str, path: str) -> None:
    assert ROUTER.match(method, path) is None


def test_any_answers_every_method() -> None:
    for method in ("GET", "PUT", "DELETE", "OPTIONS"):
        match = ROUTER.match(method, "/files/x")
        assert match is not None
        assert match.route.method == "ANY"


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("a string", "not an object"),
        ({"body": "x"}, "statusCode"),
        ({"statusCode": "abc"}, "statusCode"),
        ({"statusCode": 700}, "HTTP status"),
        ({"statusCode": 200, "body": {"a": 1}}, "body"),
        ({"statusCode": 200, "extra": 1}, "unknown response keys"),
        ({"statusCode": 200, "headers": ["x"]}, "headers"),
        ({"statusCode": 200, "multiValueHeaders": {"a": "b"}}, "lists"),
        ({"statusCode": 200, "body": "@@", "isBase64Encoded": True}, "base64"),
    ],
)
def test_malformed_responses_are_refused(output: Any, reason: str) -> None:
    with pytest.raises(MalformedResponse, match=reason):
        read_response(output, "image/png", ("image/png",))


def test_headers_and_multi_value_headers_are_merged_once() -> None:
    response = read_response(
        {
            "statusCode": "201",
            "headers": {"X-One": "a", "Set-Cookie": "c=1"},
            "multiValueHeaders": {"Set-Cookie": ["c=1", "d=2"]},
            "body": "{}",
        },
        "*/*",
        (),
    )
    assert response.status == 201
    assert response.headers.count(("Set-Cookie", "c=1")) == 1
    assert ("Set-Cookie", "d=2") in response.headers
    assert ("X-One", "a") in response.headers
    assert ("Content-Type", "application/json") in response.headers  # REST APIs' default


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=5, burst=10, clock=lambda: now[0])
    assert sum(bucket.take() for _ in range(20)) == 10
    now[0] += 1.0
    assert sum(bucket.take() for _ in range(20)) == 5
    now[0] += 100.0
    assert sum(bucket.take() for _ in range(20)) == 10  # never more than the burst


def test_the_cache_key_holds_only_the_keyed_parameters_last_values() -> None:
    keyed = route(
        "/todos/{todo_id}",
        cache_key_parameters=(
            "method.request.header.Authorization",
            "method.request.path.todo_id",
            "method.request.querystring.fresh",
        ),
    )
    base = cache_key(keyed, {"todo_id": "1"}, [("authorization", "A")], [])
    assert base == cache_key(
        keyed, {"todo_id": "1"}, [("Authorization", "A"), ("X-Other", "z")], [("zzz", "1")]
    )
    assert base != cache_key(keyed, {"todo_id": "2"}, [("authorization", "A")], [])
    assert base != cache_key(keyed, {"todo_id": "1"}, [("authorization", "B")], [])
    assert cache_key(
        keyed, {"todo_id": "1"}, [("authorization", "A")], [("fresh", "1"), ("fresh", "2")]
    ) == (cache_key(keyed, {"todo_id": "1"}, [("authorization", "A")], [("fresh", "2")]))
    assert base != cache_key(keyed, {"todo_id": "1"}, [("authorization", "A")], [("fresh", "")])
    unkeyed = route("/todos/{todo_id}")  # no cache keys: every id shares one entry, as on AWS
    assert cache_key(unkeyed, {"todo_id": "1"}, [], []) == cache_key(
        unkeyed, {"todo_id": "2"}, [], []
    )


def test_the_stage_cache_keeps_entries_for_their_ttl_and_not_large_ones() -> None:
    cache = StageCache(max_entries=2)
    small = CachedResponse(200, [], b"x")
    cache.put(("a",), small, 60)
    assert cache.get(("a",)) == small
    cache.put(("b",), CachedResponse(200, [], b"x" * 1_048_577), 60)
    assert cache.get(("b",)) is None  # over 1 MB: not cached
    cache.put(("c",), small, 0)
    assert cache.get(("c",)) is None  # TTL 0: caching off
    cache.put(("d",), small, 60)
    cache.put(("e",), small, 60)
    assert cache.get(("a",)) is None  # the oldest went when it was full


def test_claims_reach_the_function_as_strings() -> None:
    claims = claims_as_strings(
        {
            "sub": "u-1",
            "email_verified": True,
            "auth_time": 1680629979,
            "exp": 1680633579,
            "iat": 1680629979,
            "cognito:groups": ["authors", "admins"],
        }
    )
    assert claims == {
        "sub": "u-1",
        "email_verified": "true",
        "auth_time": "1680629979",
        "exp": "Tue Apr 04 18:39:39 UTC 2023",
        "iat": "Tue Apr 04 17:39:39 UTC 2023",
        "cognito:groups": "authors,admins",
    }
