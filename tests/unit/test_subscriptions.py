"""Subscriptions and the welcome email, with in-memory ports."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.cursors import CursorCodec
from app.domain.errors import DependencyUnavailable
from app.domain.subscriptions import (
    InvalidEmail,
    InvalidUnsubscribeToken,
    Subscriber,
    SubscriptionService,
    normalize_email,
)
from app.domain.welcome import WelcomeSender


class Clock:
    def __init__(self) -> None:
        self.current = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.current


class Subscribers:
    def __init__(self) -> None:
        self.items: dict[str, Subscriber] = {}
        self.welcome: dict[str, str] = {}

    def add_if_absent(self, subscriber: Subscriber) -> bool:
        if subscriber.email in self.items:
            return False
        self.items[subscriber.email] = subscriber
        return True

    def deactivate(self, email: str) -> bool:
        current = self.items.get(email)
        if current is None or not current.active:
            return False
        self.items[email] = Subscriber(email, current.subscribed_at, active=False)
        return True

    def claim_welcome(self, email: str, lease_seconds: float) -> bool:
        if self.welcome.get(email):
            return False
        self.welcome[email] = "sending"
        return True

    def release_welcome(self, email: str) -> None:
        self.welcome.pop(email, None)

    def confirm_welcome(self, email: str) -> None:
        self.welcome[email] = "sent"


class Mailer:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.fail = fail

    def send(self, to: str, subject: str, text: str, html: str, headers: dict[str, str]) -> str:
        if self.fail:
            raise DependencyUnavailable("MessageRejected")
        self.sent.append((to, text, html))
        return "id"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def repo() -> Subscribers:
    return Subscribers()


@pytest.fixture
def service(repo: Subscribers, clock: Clock) -> SubscriptionService:
    return SubscriptionService(repo, CursorCodec(b"s" * 32), clock)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (" Ada@Example.COM ", "ada@example.com"),
        ("a.b+news@sub.example.org", "a.b+news@sub.example.org"),
    ],
)
def test_addresses_are_normalized(raw: str, normal: str) -> None:
    assert normalize_email(raw) == normal


@pytest.mark.parametrize(
    "raw", ["", "a", "a@b", "a@-b.com", "a..b@c.com", ".a@c.com", "a@c.123", "a@b_c.com", "é@x.com"]
)
def test_bad_addresses_are_refused(raw: str) -> None:
    with pytest.raises(InvalidEmail):
        normalize_email(raw)


def test_repeat_subscriptions_change_nothing(
    service: SubscriptionService, repo: Subscribers
) -> None:
    service.subscribe("ada@example.com")
    first = repo.items["ada@example.com"]
    service.subscribe("ADA@example.com ")
    assert repo.items == {"ada@example.com": first}


def test_unsubscribe_token_works_once(service: SubscriptionService) -> None:
    service.subscribe("ada@example.com")
    token = service.unsubscribe_token("ada@example.com")
    assert service.unsubscribe(token) == "ada@example.com"
    with pytest.raises(InvalidUnsubscribeToken):
        service.unsubscribe(token)


def test_unsubscribe_token_expires(service: SubscriptionService, clock: Clock) -> None:
    service.subscribe("ada@example.com")
    token = service.unsubscribe_token("ada@example.com")
    clock.current += dt.timedelta(days=31)
    with pytest.raises(InvalidUnsubscribeToken):
        service.unsubscribe(token)


def test_forged_token_is_refused(service: SubscriptionService) -> None:
    other = SubscriptionService(Subscribers(), CursorCodec(b"t" * 32), Clock())
    with pytest.raises(InvalidUnsubscribeToken):
        service.unsubscribe(other.unsubscribe_token("ada@example.com"))


def test_welcome_is_sent_once_with_the_link_in_both_parts(
    service: SubscriptionService, repo: Subscribers
) -> None:
    mailer = Mailer()
    sender = WelcomeSender(
        repo, mailer, service, "https://blog.example/api/subscriptions/unsubscribe"
    )
    assert sender.welcome("ada@example.com") is True
    assert sender.welcome("ada@example.com") is False
    ((to, text, html),) = mailer.sent
    assert to == "ada@example.com"
    assert "https://blog.example/api/subscriptions/unsubscribe?token=" in text
    assert 'href="https://blog.example/api/subscriptions/unsubscribe?token=' in html


def test_a_failed_send_releases_the_claim_for_a_retry(
    service: SubscriptionService, repo: Subscribers
) -> None:
    failing = WelcomeSender(repo, Mailer(fail=True), service, "https://x/u")
    with pytest.raises(DependencyUnavailable):
        failing.welcome("ada@example.com")
    working = Mailer()
    assert WelcomeSender(repo, working, service, "https://x/u").welcome("ada@example.com")
    assert len(working.sent) == 1
