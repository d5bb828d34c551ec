"""Who is calling: the authenticated principal, independent of how it was authenticated."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated user: `user_id` is the user pool's immutable `sub`."""

    user_id: str
    email: str | None = None
    groups: frozenset[str] = frozenset()


class Unauthenticated(Exception):
    """The request carries no acceptable credentials; `reason` is safe to show the client."""

    code = "unauthenticated"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def caller_from_claims(claims: dict[str, object]) -> Caller:
    """Build a Caller from verified Cognito ID-token claims (authorizer or local check)."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise Unauthenticated("token has no subject")
    email = claims.get("email")
    groups_claim = claims.get("cognito:groups")
    if isinstance(groups_claim, str):
        # API Gateway passes list claims as a string: "[a, b]" or "a,b".
        groups = frozenset(g.strip(" []") for g in groups_claim.split(",") if g.strip(" []"))
    elif isinstance(groups_claim, list):
        groups = frozenset(str(g) for g in groups_claim)
    else:
        groups = frozenset()
    return Caller(user_id=sub, email=email if isinstance(email, str) else None, groups=groups)
