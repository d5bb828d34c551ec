"""The welcome email: composed here, sent at most once per subscriber."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Protocol
from urllib.parse import quote

from app.domain.subscriptions import SubscriptionService

SUBJECT = "Welcome to MyBlog.com"
CLAIM_LEASE_SECONDS = 300


class WelcomeLedger(Protocol):
    """Remembers, per subscriber, whether the welcome went out (conditional writes)."""

    def claim_welcome(self, email: str, lease_seconds: float) -> bool:
        """True when this caller may send now."""

    def release_welcome(self, email: str) -> None:
        """Undo a claim after a failed send."""

    def confirm_welcome(self, email: str) -> None:
        """Record that the welcome was sent."""


class Mailer(Protocol):
    """Sends one email with a text and an HTML part."""

    def send(self, to: str, subject: str, text: str, html: str, headers: dict[str, str]) -> str:
        """Send; returns the message id."""


@dataclass(frozen=True)
class WelcomeEmail:
    """What a new subscriber receives."""

    subject: str
    text: str
    html: str
    unsubscribe_url: str


def compose(unsubscribe_url: str) -> WelcomeEmail:
    """The welcome, in text and HTML, with the unsubscribe link in both."""
    text = (
        "Thanks for subscribing to MyBlog.com.\n\n"
        "New posts are rarely written and often read: we will write when there is one.\n\n"
        f"Unsubscribe: {unsubscribe_url}\n"
    )
    link = escape(unsubscribe_url, quote=True)
    html = (
        "<p>Thanks for subscribing to <strong>MyBlog.com</strong>.</p>"
        "<p>New posts are rarely written and often read: we will write when there is one.</p>"
        f'<p><a href="{link}">Unsubscribe</a></p>'
    )
    return WelcomeEmail(SUBJECT, text, html, unsubscribe_url)


class WelcomeSender:
    """Sends each subscriber's welcome exactly once, however often the event is delivered."""

    def __init__(
        self,
        ledger: WelcomeLedger,
        mailer: Mailer,
        subscriptions: SubscriptionService,
        unsubscribe_base_url: str,
    ) -> None:
        self._ledger = ledger
        self._mailer = mailer
        self._subscriptions = subscriptions
        self._base = unsubscribe_base_url

    def welcome(self, email: str) -> bool:
        """Send the welcome unless it was sent (or is being sent); True when sent now."""
        if not self._ledger.claim_welcome(email, CLAIM_LEASE_SECONDS):
            return False
        token = self._subscriptions.unsubscribe_token(email)
        message = compose(f"{self._base}?token={quote(token)}")
        try:
            self._mailer.send(
                email,
                message.subject,
                message.text,
                message.html,
                {"List-Unsubscribe": f"<{message.unsubscribe_url}>"},
            )
        except Exception:
            self._ledger.release_welcome(email)
            raise
        self._ledger.confirm_welcome(email)
        return True
