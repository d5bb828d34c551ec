"""The COGNITO_USER_POOLS authorizer of a REST API, in the gateway, before any function runs.

What API Gateway checks (API Gateway developer guide, "Integrate a REST API with an Amazon Cognito
user pool", and the knowledge-center article on 401s from Cognito authorizers): the token in the
identity header (`Authorization`; a `Bearer ` prefix is accepted) must be a JWT signed by one of the
authorizer's user pools (its `iss`), unexpired; with no OAuth scopes on the method it must be an
ID token, with scopes an access token carrying one of them. It does not check the ID token's `aud`:
any app client of the pool passes (the app checks that itself), unless the authorizer's
ValidationExpression (a regular expression) is set, which `aud` must then match. A failure is the
UNAUTHORIZED gateway response (401); a token without the method's scope is ACCESS_DENIED (403).
A token's result is cached for the authorizer's TTL (ReauthorizeEvery; SAM's default 300 s), as
API Gateway caches authorizer results: locally never past the token's own expiry.

The claims reach the function as `requestContext.authorizer.claims`, every value a string: numbers
as digits, booleans as `true`/`false`, `exp` and `iat` as dates like `Tue Apr 04 18:39:39 UTC 2023`,
a list (`cognito:groups`) comma-joined. Observed on AWS and reported in
awsdocs/amazon-api-gateway-developer-guide#158, re:Post question QUFJRBaEJRSmmqarNrvCWoQA, and
aws/chalice#783 (which splits `cognito:groups` on commas).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from app.devstack.cognito.tokens import CognitoTokenVerifier, TokenRejected
from app.devstack.gateway.spec import CognitoAuthorizer

_DATE_CLAIMS = ("exp", "iat")
MAX_CACHED_RESULTS = 10_000


class Denied(Exception):
    """The request is refused: `response_type` names the gateway response, `message` its text."""

    def __init__(self, response_type: str, message: str) -> None:
        super().__init__(message)
        self.response_type = response_type
        self.message = message


def claims_as_strings(claims: dict[str, Any]) -> dict[str, str]:
    """Claims in the shape the REST API's Cognito authorizer passes them to the integration."""
    shaped: dict[str, str] = {}
    for name, value in claims.items():
        if name in _DATE_CLAIMS and isinstance(value, int | float):
            moment = dt.datetime.fromtimestamp(value, dt.UTC)
            shaped[name] = moment.strftime("%a %b %d %H:%M:%S UTC %Y")
        elif isinstance(value, bool):
            shaped[name] = "true" if value else "false"
        elif isinstance(value, list):
            shaped[name] = ",".join(str(item) for item in value)
        elif isinstance(value, dict):
            shaped[name] = json.dumps(value, separators=(",", ":"))
        else:
            shaped[name] = str(value)
    return shaped


class CognitoAuthorizers:
    """Authorizes requests for the API's Cognito authorizers, caching results per token."""

    def __init__(
        self, verifier: CognitoTokenVerifier, clock: Callable[[], float] = time.time
    ) -> None:
        self._verifier = verifier
        self._clock = clock
        self._results: dict[tuple[str, str, str], tuple[float, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def authorize(
        self, authorizer: CognitoAuthorizer, scopes: tuple[str, ...], header: str | None
    ) -> dict[str, str]:
        """The claims for the integration, or Denied."""
        if not header or not header.strip():
            raise Denied("UNAUTHORIZED", "Unauthorized")
        token = header.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        claims = self._verified(authorizer, "access" if scopes else "id", token)
        pattern = authorizer.audience_pattern
        if pattern and not re.fullmatch(pattern, claims.get("aud", "")):
            raise Denied("UNAUTHORIZED", "Unauthorized")
        if scopes and not set(claims.get("scope", "").split()) & set(scopes):
            raise Denied("ACCESS_DENIED", "Unauthorized")
        return dict(claims)

    def _verified(self, authorizer: CognitoAuthorizer, use: str, token: str) -> dict[str, str]:
        """The token's claims as strings, from the result cache while it holds them."""
        key, now = (authorizer.name, use, token), self._clock()
        with self._lock:
            cached = self._results.get(key)
        if cached is not None and now < cached[0]:
            return cached[1]
        try:
            claims = self._verifier.verify(token, authorizer.issuers, token_use=use)
        except TokenRejected as rejected:
            expired = rejected.reason == "token has expired"
            raise Denied(
                "UNAUTHORIZED", "The incoming token has expired" if expired else "Unauthorized"
            ) from None
        shaped = claims_as_strings(claims)
        if authorizer.result_ttl_seconds > 0:
            until = min(now + authorizer.result_ttl_seconds, float(claims["exp"]))
            with self._lock:
                if len(self._results) >= MAX_CACHED_RESULTS:
                    self._results.clear()
                self._results[key] = (until, shaped)
        return shaped
