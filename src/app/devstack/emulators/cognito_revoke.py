"""Cognito's `RevokeToken`, which moto 5.2 lacks (its server answers the action with an error and
no CORS headers, so a browser's sign-out hangs in amazon-cognito-identity-js's retries).

What AWS does (Amazon Cognito API Reference, "RevokeToken"; Developer Guide, "Revoking tokens"):
the call takes a refresh token and the app client's id, needs no other credential, and revokes
that refresh token and every access and ID token issued from it; the refresh token can no longer
be used, and user-pool APIs refuse those access tokens. A token of another app client is
refused (`NotAuthorizedException` here). As RFC 7009 (section 2.2), which the revocation follows,
requires, a token the pool does not know is not an error. Tokens issued before revocation still
pass signature checks elsewhere (an API Gateway Cognito authorizer) until they expire, on AWS too.
"""

from __future__ import annotations

from typing import Any

import jwt
from moto.cognitoidp.exceptions import NotAuthorizedError
from moto.cognitoidp.responses import CognitoIdpResponse


def _revoke_token(self: Any) -> str:
    token = self._get_param("Token")
    client_id = self._get_param("ClientId")
    for pool in self.backend.user_pools.values():
        entry = pool.refresh_tokens.get(token)
        if entry is None:
            continue
        owner, _, origin_jti = entry
        if owner != client_id:
            raise NotAuthorizedError("The refresh token was not issued to this client.")
        pool.refresh_tokens[token] = None
        for access_token in list(pool.access_tokens):
            claims = jwt.decode(access_token, options={"verify_signature": False})
            if claims.get("origin_jti") == origin_jti:
                pool.access_tokens.pop(access_token)
        break
    return "{}"


def install() -> None:
    """Give moto's Cognito user pools the `RevokeToken` action."""
    CognitoIdpResponse.revoke_token = _revoke_token  # type: ignore[attr-defined]
