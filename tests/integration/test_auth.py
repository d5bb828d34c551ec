"""The gateway's Cognito authorizer refuses every kind of bad token before any function runs.

Tokens are forged with the emulator's signing key (published inside the moto package), so each
check is exercised alone: a token that fails only its expiry, only its issuer, and so on. A refusal
is the template's UNAUTHORIZED gateway response, and no function is invoked.
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from collections.abc import Callable
from importlib.resources import files
from typing import Any

import httpx
import jwt
import pytest

from tests.conftest import LocalAws, SignedIn

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def moto_private_key() -> Any:
    raw = files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()
    return jwt.PyJWK(json.loads(gzip.decompress(raw))).key


@pytest.fixture
def user(sign_up: Callable[[], SignedIn]) -> SignedIn:
    return sign_up()


@pytest.fixture
def forge(local_aws: LocalAws, moto_private_key: Any, user: SignedIn) -> Callable[..., str]:
    """Sign claims like the pool's ID tokens, with some claims changed."""
    pool, client_id = local_aws.outputs["UserPoolId"], local_aws.outputs["UserPoolClientId"]

    def make(**changes: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": f"https://cognito-idp.us-east-1.amazonaws.com/{pool}",
            "sub": user.sub,
            "aud": client_id,
            "token_use": "id",
            "iat": now,
            "auth_time": now,
            "exp": now + 600,
            "email": user.email,
        }
        claims.update(changes)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, moto_private_key, algorithm="RS256", headers={"kid": "dummy"})

    return make


@pytest.fixture
def assert_401(local_aws: LocalAws) -> Callable[[Callable[[], httpx.Response]], None]:
    """Send a request and check the gateway refused it, with no function invoked."""

    def check(send: Callable[[], httpx.Response]) -> None:
        before = local_aws.invocations()
        response = send()
        assert local_aws.invocations() == before, "a function ran for a refused request"
        assert response.status_code == 401, response.text
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"] == 'Bearer realm="api"'
        assert response.headers["x-amzn-errortype"] == "UnauthorizedException"
        body = response.json()
        assert body["code"] == "unauthenticated"
        assert body["status"] == 401
        assert body["request_id"] == response.headers["x-amzn-requestid"]

    return check


Check401 = Callable[[Callable[[], httpx.Response]], None]


def test_a_well_formed_forged_token_passes_so_the_negatives_below_are_meaningful(
    client: httpx.Client, forge: Callable[..., str]
) -> None:
    response = client.get("/todos", headers={"Authorization": f"Bearer {forge()}"})
    assert response.status_code == 200


def test_the_bearer_prefix_is_optional_as_on_api_gateway(
    client: httpx.Client, user: SignedIn
) -> None:
    assert client.get("/todos", headers={"Authorization": user.id_token}).status_code == 200
    assert (
        client.get("/todos", headers={"Authorization": f"bearer {user.id_token}"}).status_code
        == 200
    )


def test_no_token(client: httpx.Client, assert_401: Check401) -> None:
    assert_401(lambda: client.get("/todos"))
    assert_401(lambda: client.get("/todos", headers={"Authorization": ""}))


def test_not_a_bearer_scheme(client: httpx.Client, user: SignedIn, assert_401: Check401) -> None:
    assert_401(lambda: client.get("/todos", headers={"Authorization": f"Basic {user.id_token}"}))


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": int(time.time()) - 120, "iat": int(time.time()) - 3720},  # expired
        {"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"},  # another pool
        {"token_use": "access"},  # an ID token is required on methods without OAuth scopes
        {"exp": None},
        {"sub": None},
    ],
    ids=["expired", "other-pool", "access-token", "no-exp", "no-sub"],
)
def test_bad_claims(
    client: httpx.Client, forge: Callable[..., str], changes: dict[str, Any], assert_401: Check401
) -> None:
    token = forge(**changes)
    assert_401(lambda: client.get("/todos", headers={"Authorization": f"Bearer {token}"}))


def test_a_token_of_another_app_client_passes_the_authorizer_but_not_the_app(
    client: httpx.Client, forge: Callable[..., str], local_aws: LocalAws
) -> None:
    """API Gateway's Cognito authorizer does not check an ID token's `aud` (any app client of the
    pool passes it); the function does, and refuses."""
    before = local_aws.invocations()["TodosFunction"]
    token = forge(aud="some-other-client")
    response = client.get("/todos", headers={"Authorization": f"Bearer {token}"})
    assert local_aws.invocations()["TodosFunction"] == before + 1  # it got past the gateway
    assert response.status_code == 401
    assert response.json()["detail"] == "token was issued for another client"
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_tampered_signature(client: httpx.Client, user: SignedIn, assert_401: Check401) -> None:
    header, payload, signature = user.id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    token = f"{header}.{forged_payload}.{signature}"
    assert_401(lambda: client.get("/todos", headers={"Authorization": f"Bearer {token}"}))


def test_alg_none(client: httpx.Client, user: SignedIn, assert_401: Check401) -> None:
    _, payload, _ = user.id_token.split(".")
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT","kid":"dummy"}').rstrip(b"=")
    token = f"{header.decode()}.{payload}."
    assert_401(lambda: client.get("/todos", headers={"Authorization": f"Bearer {token}"}))


def test_hs256_signed_with_the_public_key_is_refused(
    client: httpx.Client, user: SignedIn, assert_401: Check401
) -> None:
    # The classic algorithm-confusion attack: HMAC keyed with the published RSA public key.
    _, payload, _ = user.id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    token = jwt.encode(claims, "public-key-bytes" * 4, algorithm="HS256", headers={"kid": "dummy"})
    assert_401(lambda: client.get("/todos", headers={"Authorization": f"Bearer {token}"}))


def test_unknown_key_id(
    client: httpx.Client, forge: Callable[..., str], assert_401: Check401
) -> None:
    token = forge()
    _, payload, signature = token.split(".")
    other = base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWT","kid":"rotated"}').rstrip(b"=")
    forged = f"Bearer {other.decode()}.{payload}.{signature}"
    assert_401(lambda: client.get("/todos", headers={"Authorization": forged}))


def test_access_token_instead_of_id_token(
    client: httpx.Client, user: SignedIn, assert_401: Check401
) -> None:
    bearer = {"Authorization": f"Bearer {user.access_token}"}
    assert_401(lambda: client.get("/todos", headers=bearer))


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9..."])
def test_garbage_tokens(client: httpx.Client, token: str, assert_401: Check401) -> None:
    assert_401(lambda: client.get("/todos", headers={"Authorization": f"Bearer {token}"}))


def test_real_sign_in_token_works_and_caller_comes_from_it(
    client: httpx.Client, user: SignedIn, forge: Callable[..., str]
) -> None:
    created = client.post("/todos", json={"title": "mine"}, headers=user.headers)
    assert created.status_code == 201
    # A differently minted token for the same `sub` sees the same to-do: identity is the sub.
    same_user = client.get(
        f"/todos/{created.json()['id']}", headers={"Authorization": f"Bearer {forge()}"}
    )
    assert same_user.status_code == 200
