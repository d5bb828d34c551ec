"""Local-stack verification of Cognito ID tokens with PyJWT against the pool's JWKS."""

from __future__ import annotations

from typing import Any

import jwt

from app.domain.identity import Unauthenticated

_LEEWAY_SECONDS = 5


class CognitoIdTokenVerifier:
    """Checks signature (RS256 only), issuer, audience (= app client id), `token_use` and expiry.

    On AWS the API Gateway Cognito authorizer does this; the app verifies tokens itself only
    in the local stack, whose JWKS (from the emulator) must never be trusted anywhere else.
    """

    def __init__(self, jwks_url: str, issuer: str, audience: str) -> None:
        # PyJWKClient caches the key set (and each key) so the JWKS is not fetched per request.
        self._jwks = jwt.PyJWKClient(jwks_url, cache_jwk_set=True, lifespan=3600, timeout=5)
        self._issuer = issuer
        self._audience = audience

    def verify(self, token: str) -> dict[str, Any]:
        """Return the verified claims, or raise Unauthenticated with a client-safe reason."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("token is malformed") from None
        if header.get("alg") != "RS256":
            raise Unauthenticated("token algorithm is not accepted")
        try:
            key = self._jwks.get_signing_key(str(header.get("kid", "")))
        except jwt.PyJWKClientConnectionError:
            raise Unauthenticated("token keys are unavailable") from None
        except jwt.PyJWKClientError:
            raise Unauthenticated("token signing key is unknown") from None
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                audience=self._audience,
                issuer=self._issuer,
                leeway=_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("token has expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated("token was issued for another client") from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated("token was issued by another user pool") from None
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthenticated(f"token lacks the '{exc.claim}' claim") from None
        except jwt.InvalidSignatureError:
            raise Unauthenticated("token signature is invalid") from None
        except jwt.PyJWTError:
            raise Unauthenticated("token is invalid") from None
        if claims.get("token_use") != "id":
            raise Unauthenticated("an ID token is required")
        return claims
