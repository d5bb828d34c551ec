"""Cognito user-pool tokens, checked as Cognito's consumers check them, against the emulator's keys.

Used by the local API Gateway's Cognito authorizer and the local identity-pool service. The
emulator signs every pool's tokens with one key published inside the moto package: these checks
are for the local stack only and never trust that key anywhere else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import jwt


class TokenRejected(Exception):
    """The token fails a check; `reason` is safe to log (it never contains the token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CognitoTokenVerifier:
    """Verifies RS256 tokens of the emulator's user pools, caching each pool's key set."""

    def __init__(self, jwks_url: Callable[[str], str]) -> None:
        """`jwks_url(pool_id)`: where the emulator publishes that pool's JWKS."""
        self._jwks_url = jwks_url
        self._clients: dict[str, jwt.PyJWKClient] = {}
        self._lock = threading.Lock()

    def _keys(self, pool_id: str) -> jwt.PyJWKClient:
        with self._lock:
            if pool_id not in self._clients:
                self._clients[pool_id] = jwt.PyJWKClient(
                    self._jwks_url(pool_id), cache_jwk_set=True, lifespan=3600, timeout=5
                )
            return self._clients[pool_id]

    def verify(
        self,
        token: str,
        issuers: Iterable[str],
        *,
        audience: str | None = None,
        token_use: str | None = "id",  # noqa: S107 - a claim value, not a secret
    ) -> dict[str, Any]:
        """The claims of a token one of `issuers` signed, unexpired, of `token_use` (and issued
        to `audience`, when given); TokenRejected otherwise."""
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise TokenRejected("token is malformed") from None
        if header.get("alg") != "RS256":
            raise TokenRejected("token algorithm is not accepted")
        issuer = unverified.get("iss")
        if not isinstance(issuer, str) or issuer not in set(issuers):
            raise TokenRejected("token was issued by another user pool")
        try:
            key = self._keys(issuer.rsplit("/", 1)[-1]).get_signing_key(str(header.get("kid", "")))
        except jwt.PyJWKClientConnectionError:
            raise TokenRejected("token keys are unavailable") from None
        except jwt.PyJWKClientError:
            raise TokenRejected("token signing key is unknown") from None
        required = ["exp", "iat", "iss", "sub", "token_use", *(["aud"] if audience else [])]
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                audience=audience,
                issuer=issuer,
                options={"require": required, "verify_aud": audience is not None},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRejected("token has expired") from None
        except jwt.InvalidAudienceError:
            raise TokenRejected("token was issued for another client") from None
        except jwt.MissingRequiredClaimError as exc:
            raise TokenRejected(f"token lacks the '{exc.claim}' claim") from None
        except jwt.InvalidSignatureError:
            raise TokenRejected("token signature is invalid") from None
        except jwt.PyJWTError:
            raise TokenRejected("token is invalid") from None
        if token_use is not None and claims.get("token_use") != token_use:
            raise TokenRejected(f"an {token_use} token is required")
        return claims
