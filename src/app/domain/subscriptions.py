"""Newsletter subscriptions, double opt-in: ask, confirm by a signed link, leave in one click.

Asking sends one email, to that address only, asking to confirm; only a confirmed address gets
the welcome and what follows. A request left unconfirmed expires (the table's TTL); a second
request for the same address within an hour sends nothing more. Links carry a random
subscription id, never the address, signed with the email-link key ring; each subscription
period has its own id, so links of an earlier period do nothing to a later one. Bounces and
complaints suppress an address for good: asking again then sends nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Final, Protocol

from app.domain.cursors import CursorCodec
from app.domain.errors import DomainError, InvalidCursor
from app.domain.ports import Clock

EMAIL_MAX: Final = 254
CONFIRM_WITHIN: Final = dt.timedelta(hours=48)
RESEND_AFTER: Final = dt.timedelta(hours=1)
UNSUBSCRIBE_LINK_LIFETIME: Final = dt.timedelta(days=180)
PENDING: Final = "pending"
ACTIVE: Final = "active"
UNSUBSCRIBED: Final = "unsubscribed"
SUPPRESSED: Final = "suppressed"
CONFIRM: Final = "subscription-confirm"
UNSUBSCRIBE: Final = "subscription-unsubscribe"
_LOCAL = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class InvalidEmail(DomainError):
    """Not an address we can send to."""

    code = "invalid_email"


class InvalidLink(DomainError):
    """A confirm or unsubscribe link that is forged, expired, or of an ended subscription."""

    code = "invalid_link"


@dataclass(frozen=True, slots=True)
class Subscriber:
    """An address and where its subscription stands; `sid` names the current period."""

    email: str
    status: str
    sid: str
    requested_at: dt.datetime
    expires_at: dt.datetime | None = None  # while pending


class SubscriberRepository(Protocol):
    """Subscribers by address, and by subscription id; every change is conditional."""

    def request(self, subscriber: Subscriber, *, resend_before: dt.datetime) -> bool:
        """Store a new pending request unless the address is active or suppressed, or was
        asked for after `resend_before` and has not expired; True when stored."""

    def by_sid(self, sid: str) -> Subscriber | None:
        """The subscriber whose current period is `sid`."""

    def activate(self, email: str, sid: str) -> bool:
        """Pending -> active for period `sid`; False otherwise."""

    def end(self, email: str, sid: str) -> bool:
        """Active or pending -> unsubscribed for period `sid`; False otherwise."""

    def suppress(self, email: str, reason: str) -> None:
        """Never mail this address again (a record is made if there is none)."""


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
    """The subscription use cases; answers never reveal whether an address is known."""

    def __init__(self, repository: SubscriberRepository, links: CursorCodec, clock: Clock) -> None:
        self._repo = repository
        self._links = links
        self._clock = clock

    def subscribe(self, raw_email: str) -> None:
        """Ask for a subscription: a confirmation email follows, unless one went out within the
        hour or the address is subscribed or suppressed."""
        email = normalize_email(raw_email)
        now = self._clock.now()
        sid = secrets.token_urlsafe(18)
        request = Subscriber(email, PENDING, sid, now, expires_at=now + CONFIRM_WITHIN)
        self._repo.request(request, resend_before=now - RESEND_AFTER)

    def confirm(self, token: str) -> None:
        """Confirm with the link's token; again for the same period changes nothing."""
        subscriber = self.check(token, CONFIRM)
        if subscriber.status == ACTIVE:
            return
        if subscriber.status != PENDING or not self._repo.activate(
            subscriber.email, subscriber.sid
        ):
            raise InvalidLink("not pending")

    def unsubscribe(self, token: str) -> None:
        """End the subscription the link belongs to; again changes nothing."""
        subscriber = self.check(token, UNSUBSCRIBE)
        if subscriber.status == UNSUBSCRIBED:
            return
        if subscriber.status not in (ACTIVE, PENDING) or not self._repo.end(
            subscriber.email, subscriber.sid
        ):
            raise InvalidLink("not subscribed")

    def check(self, token: str, purpose: str) -> Subscriber:
        """The subscriber a valid, unexpired link of `purpose` names (InvalidLink otherwise)."""
        try:
            claims = self._links.decode(token, purpose)
        except InvalidCursor as error:
            raise InvalidLink("forged") from error
        expires = claims.get("e", "")
        if not expires.isdigit() or int(expires) <= self._clock.now().timestamp():
            raise InvalidLink("expired")
        subscriber = self._repo.by_sid(claims.get("s", ""))
        if subscriber is None:
            raise InvalidLink("unknown")
        return subscriber

    def link_token(self, subscriber: Subscriber, purpose: str) -> str:
        """A signed token for a confirm or unsubscribe link of this subscription period."""
        if purpose == CONFIRM:
            expires = subscriber.expires_at or subscriber.requested_at + CONFIRM_WITHIN
        else:
            expires = self._clock.now() + UNSUBSCRIBE_LINK_LIFETIME
        return self._links.encode(
            {"s": subscriber.sid, "e": str(int(expires.timestamp()))}, purpose
        )


class Suppressions:
    """What the mail provider tells us about addresses: a hard bounce or a complaint stops all
    mail to the address for good (asking to subscribe again then sends nothing)."""

    def __init__(self, repository: SubscriberRepository) -> None:
        self._repo = repository

    def suppress(self, raw_email: str, reason: str) -> bool:
        """Suppress the address; False for one that was never ours to send to."""
        try:
            email = normalize_email(raw_email)
        except InvalidEmail:
            return False
        self._repo.suppress(email, reason)
        return True
