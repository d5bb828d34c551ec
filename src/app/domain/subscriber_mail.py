"""The emails a subscription sends: a confirmation request, then a welcome; each at most once.

What is due follows from the subscriber's state: a pending period gets a confirmation, an active
one a welcome, nothing else gets mail. Each send is claimed first, conditionally on the stored
state still being that period's (a late or repeated stream record sends nothing), and marked
done after; a failed send gives its claim back so a retry can send.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Final, Protocol
from urllib.parse import quote

from app.domain.subscriptions import (
    ACTIVE,
    CONFIRM,
    PENDING,
    UNSUBSCRIBE,
    Subscriber,
    SubscriptionService,
)

CONFIRM_SUBJECT: Final = "Confirm your subscription to MyBlog.com"
WELCOME_SUBJECT: Final = "Welcome to MyBlog.com"
CLAIM_LEASE_SECONDS: Final = 300
CONFIRMATION: Final = "confirmation"
WELCOME: Final = "welcome"


class MailLedger(Protocol):
    """Remembers, per subscription period, which emails went out (conditional writes)."""

    def claim(self, subscriber: Subscriber, kind: str, lease_seconds: float) -> bool:
        """True when this caller may send `kind` now: the stored state is still `subscriber`'s,
        it was not sent for this period, and nobody holds a live claim."""

    def release(self, subscriber: Subscriber, kind: str) -> None:
        """Undo a claim after a failed send."""

    def done(self, subscriber: Subscriber, kind: str) -> None:
        """Record that `kind` was sent for this period."""


class Mailer(Protocol):
    """Sends one email with a text and an HTML part."""

    def send(self, to: str, subject: str, text: str, html: str, headers: dict[str, str]) -> str:
        """Send; returns the message id."""


@dataclass(frozen=True)
class Email:
    """One message, in text and HTML."""

    subject: str
    text: str
    html: str
    headers: dict[str, str]


def compose_confirmation(confirm_url: str) -> Email:
    """Asks to confirm; says what to do if it was not you (nothing)."""
    link = escape(confirm_url, quote=True)
    return Email(
        CONFIRM_SUBJECT,
        "Someone, hopefully you, asked to receive MyBlog.com's newsletter at this address.\n\n"
        f"Confirm here: {confirm_url}\n\n"
        "If it was not you, ignore this email: nothing more will be sent.\n",
        "<p>Someone, hopefully you, asked to receive <strong>MyBlog.com</strong>'s newsletter "
        "at this address.</p>"
        f'<p><a href="{link}">Confirm your subscription</a></p>'
        "<p>If it was not you, ignore this email: nothing more will be sent.</p>",
        {},
    )


def compose_welcome(unsubscribe_url: str) -> Email:
    """The welcome, with a one-click unsubscribe (RFC 8058: the two List-Unsubscribe headers)."""
    link = escape(unsubscribe_url, quote=True)
    return Email(
        WELCOME_SUBJECT,
        "Thanks for subscribing to MyBlog.com.\n\n"
        "New posts are rarely written and often read: we will write when there is one.\n\n"
        f"Unsubscribe: {unsubscribe_url}\n",
        "<p>Thanks for subscribing to <strong>MyBlog.com</strong>.</p>"
        "<p>New posts are rarely written and often read: we will write when there is one.</p>"
        f'<p><a href="{link}">Unsubscribe</a></p>',
        {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


class SubscriberMail:
    """Sends what a subscriber's state calls for, once per subscription period."""

    def __init__(
        self,
        ledger: MailLedger,
        mailer: Mailer,
        subscriptions: SubscriptionService,
        links_base_url: str,
    ) -> None:
        self._ledger = ledger
        self._mailer = mailer
        self._subscriptions = subscriptions
        self._base = links_base_url.rstrip("/")

    def on_change(self, subscriber: Subscriber) -> str | None:
        """Send the email due for this state, if not sent yet; which one was sent, or None."""
        if subscriber.status == PENDING:
            kind, purpose, page = CONFIRMATION, CONFIRM, "confirm"
        elif subscriber.status == ACTIVE:
            kind, purpose, page = WELCOME, UNSUBSCRIBE, "unsubscribe"
        else:
            return None
        if not self._ledger.claim(subscriber, kind, CLAIM_LEASE_SECONDS):
            return None
        token = self._subscriptions.link_token(subscriber, purpose)
        url = f"{self._base}/{page}?token={quote(token)}"
        email = compose_confirmation(url) if kind == CONFIRMATION else compose_welcome(url)
        try:
            self._mailer.send(
                subscriber.email, email.subject, email.text, email.html, email.headers
            )
        except Exception:
            self._ledger.release(subscriber, kind)
            raise
        self._ledger.done(subscriber, kind)
        return kind
