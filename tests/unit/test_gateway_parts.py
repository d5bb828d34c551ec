"""The local API Gateway's parts, each against what API Gateway does."""

from __future__ import annotations

from typing import Any

import pytest

from app.devstack.cognito.tokens import TokenRejected
from app.devstack.gateway.authorizer import CognitoAuthorizers, Denied, claims_as_strings
from app.devstack.gateway.cache import CachedResponse, StageCache, cache_key
from app.devstack.gateway.events import MalformedResponse, read_response
from app.devstack.gateway.routing import Router
from app.devstack.gateway.spec import CognitoAuthorizer, Route
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


class CountingVerifier:
    """Stands in for the JWKS check: every token is valid, with these claims; counts calls."""

    def __init__(self, claims: dict[str, Any]) -> None:
        self.claims = claims
        self.calls = 0

    def verify(self, token: str, issuers: Any, *, token_use: str | None = "id") -> dict[str, Any]:  # noqa: S107
        self.calls += 1
        if token == "expired":
            raise TokenRejected("token has expired")
        return {**self.claims, "token_use": token_use}


def authorizer(**options: Any) -> CognitoAuthorizer:
    return CognitoAuthorizer("Cognito", ("us-east-1_pool",), "us-east-1", **options)


def test_a_tokens_result_is_cached_for_the_ttl_and_never_past_its_expiry() -> None:
    now = [1000.0]
    verifier = CountingVerifier({"sub": "u", "exp": 1400, "aud": "client"})
    authorizers = CognitoAuthorizers(verifier, clock=lambda: now[0])  # type: ignore[arg-type]
    for _ in range(3):
        assert authorizers.authorize(authorizer(), (), "Bearer t")["sub"] == "u"
    assert verifier.calls == 1
    now[0] += 301  # past ReauthorizeEvery (300 s)
    authorizers.authorize(authorizer(), (), "t")
    assert verifier.calls == 2
    now[0] = 1399.0
    authorizers.authorize(authorizer(), (), "t")
    assert verifier.calls == 2  # still cached, inside both the TTL and the token's life
    now[0] = 1400.0
    authorizers.authorize(authorizer(), (), "t")
    assert verifier.calls == 3  # the token expired: checked again (and the real check refuses it)


def test_refusals_validation_expression_and_scopes() -> None:
    verifier = CountingVerifier({"sub": "u", "exp": 10**10, "aud": "mobile", "scope": "todos/read"})
    authorizers = CognitoAuthorizers(verifier)  # type: ignore[arg-type]
    with pytest.raises(Denied, match="Unauthorized") as missing:
        authorizers.authorize(authorizer(), (), None)
    assert missing.value.response_type == "UNAUTHORIZED"
    with pytest.raises(Denied, match="has expired"):
        authorizers.authorize(authorizer(), (), "Bearer expired")
    assert authorizers.authorize(authorizer(audience_pattern="mob.*"), (), "a")["aud"] == "mobile"
    with pytest.raises(Denied):
        authorizers.authorize(authorizer(audience_pattern="web"), (), "b")
    granted = authorizers.authorize(authorizer(), ("todos/read",), "c")
    assert granted["token_use"] == "access"  # with scopes, an access token is required
    with pytest.raises(Denied) as scoped:
        authorizers.authorize(authorizer(), ("todos/write",), "d")
    assert scoped.value.response_type == "ACCESS_DENIED"
