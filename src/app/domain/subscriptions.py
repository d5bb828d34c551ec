"""Newsletter subscriptions: one welcome email per subscriber, unsubscribe by a signed link."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from app.domain.cursors import CursorCodec
from app.domain.errors import DomainError, InvalidCursor
from app.domain.ports import Clock, SubscriberRepository

EMAIL_MAX: Final = 254
TOKEN_LIFETIME: Final = dt.timedelta(days=30)
_LOCAL = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TOKEN_SCOPE = "unsubscribe"  # noqa: S105 - an HMAC scope name, not a secret


class InvalidEmail(DomainError):
    """Not an address we can send to."""

    code = "invalid_email"


class InvalidUnsubscribeToken(DomainError):
    """The unsubscribe link is forged, expired, or was already used."""

    code = "invalid_token"


@dataclass(frozen=True, slots=True)
class Subscriber:
    """Someone who asked for the newsletter."""

    email: str
    subscribed_at: dt.datetime
    active: bool = True


def normalize_email(raw: str) -> str:
    """Trim and lowercase, then check the shape (RFC 5321 limits, a dotted domain)."""
    email = raw.strip().lower()
    local, at, domain = email.rpartition("@")
    labels = domain.split(".")
    if (
        not at
        or len(email) > EMAIL_MAX
        or not _LOCAL.fullmatch(local)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
        or len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise InvalidEmail(raw)
    return email


class SubscriptionService:
    """Subscribe (idempotent, reveals nothing), and unsubscribe with a signed, expiring token."""

    def __init__(self, repository: SubscriberRepository, tokens: CursorCodec, clock: Clock) -> None:
        self._repo = repository
        self._tokens = tokens
        self._clock = clock

    def subscribe(self, raw_email: str) -> None:
        """Record the subscription; a repeat changes nothing and sends nothing."""
        email = normalize_email(raw_email)
        self._repo.add_if_absent(Subscriber(email, self._clock.now()))

    def unsubscribe_token(self, email: str) -> str:
        """A link token for `email`, valid for 30 days."""
        expires = int((self._clock.now() + TOKEN_LIFETIME).timestamp())
        return self._tokens.encode({"email": email, "exp": str(expires)}, _TOKEN_SCOPE)

    def unsubscribe(self, token: str) -> str:
        """Unsubscribe the token's address once; returns it."""
        try:
            claims = self._tokens.decode(token, _TOKEN_SCOPE)
        except InvalidCursor as exc:
            raise InvalidUnsubscribeToken("forged") from exc
        email, expires = claims.get("email", ""), claims.get("exp", "")
        if not expires.isdigit() or int(expires) < self._clock.now().timestamp():
            raise InvalidUnsubscribeToken("expired")
        if not self._repo.deactivate(email):
            raise InvalidUnsubscribeToken("already used")
        return email
