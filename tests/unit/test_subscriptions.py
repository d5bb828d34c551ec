"""Double opt-in subscriptions and their emails, with in-memory ports."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest

from app.domain.cursors import CursorCodec
from app.domain.errors import DependencyUnavailable
from app.domain.signing import SigningKey, StaticKeyRing
from app.domain.subscriber_mail import CONFIRMATION, WELCOME, SubscriberMail
from app.domain.subscriptions import (
    ACTIVE,
    CONFIRM,
    CONFIRM_WITHIN,
    PENDING,
    RESEND_AFTER,
    SUPPRESSED,
    UNSUBSCRIBE,
    UNSUBSCRIBED,
    InvalidEmail,
    InvalidLink,
    Subscriber,
    SubscriptionService,
    Suppressions,
    normalize_email,
)

ADA = "ada@example.com"


class Clock:
    def __init__(self) -> None:
        self.current = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.current


class Subscribers:
    """The repository's and the ledger's contracts, in memory."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.items: dict[str, Subscriber] = {}
        self.sent: dict[tuple[str, str], str] = {}  # (email, kind) -> sid
        self.claims: dict[tuple[str, str], str] = {}

    def request(self, subscriber: Subscriber, *, resend_before: dt.datetime) -> bool:
        current = self.items.get(subscriber.email)
        if current is not None and not (
            current.status == UNSUBSCRIBED
            or (current.status == PENDING and current.requested_at < resend_before)
        ):
            return False
        self.items[subscriber.email] = subscriber
        return True

    def by_sid(self, sid: str) -> Subscriber | None:
        return next((s for s in self.items.values() if s.sid == sid), None)

    def activate(self, email: str, sid: str) -> bool:
        return self._move(email, sid, (PENDING,), ACTIVE)

    def end(self, email: str, sid: str) -> bool:
        return self._move(email, sid, (ACTIVE, PENDING), UNSUBSCRIBED)

    def suppress(self, email: str, reason: str) -> None:
        current = self.items.get(email) or Subscriber(email, SUPPRESSED, "", self.clock.now())
        self.items[email] = replace(current, status=SUPPRESSED, expires_at=None)

    def claim(self, subscriber: Subscriber, kind: str, lease_seconds: float) -> bool:
        stored = self.items.get(subscriber.email)
        key = (subscriber.email, kind)
        if stored is None or (stored.status, stored.sid) != (subscriber.status, subscriber.sid):
            return False
        if self.sent.get(key) == subscriber.sid or self.claims.get(key) == subscriber.sid:
            return False
        self.claims[key] = subscriber.sid
        return True

    def release(self, subscriber: Subscriber, kind: str) -> None:
        self.claims.pop((subscriber.email, kind), None)

    def done(self, subscriber: Subscriber, kind: str) -> None:
        self.claims.pop((subscriber.email, kind), None)
        self.sent[(subscriber.email, kind)] = subscriber.sid

    def _move(self, email: str, sid: str, allowed: tuple[str, ...], status: str) -> bool:
        current = self.items.get(email)
        if current is None or current.sid != sid or current.status not in allowed:
            return False
        self.items[email] = replace(current, status=status, expires_at=None)
        return True


class Mailer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str, dict[str, str]]] = []
        self.fail = False

    def send(self, to: str, subject: str, text: str, html: str, headers: dict[str, str]) -> str:
        if self.fail:
            raise DependencyUnavailable("MessageRejected")
        self.sent.append((to, subject, text, headers))
        return "id"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def repo(clock: Clock) -> Subscribers:
    return Subscribers(clock)


@pytest.fixture
def service(repo: Subscribers, clock: Clock) -> SubscriptionService:
    keys = StaticKeyRing([SigningKey("k1", b"k" * 32)], clock)
    return SubscriptionService(repo, CursorCodec(keys), clock)


@pytest.fixture
def mailer() -> Mailer:
    return Mailer()


@pytest.fixture
def mail(repo: Subscribers, mailer: Mailer, service: SubscriptionService) -> SubscriberMail:
    return SubscriberMail(repo, mailer, service, "https://blog.example/api/subscriptions")


def token_of(url_in_text: str) -> str:
    url = next(w for w in url_in_text.split() if w.startswith("https://"))
    return parse_qs(urlsplit(url).query)["token"][0]


def deliver(repo: Subscribers, mail: SubscriberMail) -> list[str | None]:
    """What the stream does: every stored state goes to the mail function."""
    return [mail.on_change(s) for s in list(repo.items.values())]


def test_asking_sends_one_confirmation_and_no_welcome(
    service: SubscriptionService, repo: Subscribers, mail: SubscriberMail, mailer: Mailer
) -> None:
    service.subscribe(" Ada@Example.com ")
    assert repo.items[ADA].status == PENDING
    assert deliver(repo, mail) == [CONFIRMATION]
    assert deliver(repo, mail) == [None]  # a redelivery sends nothing
    ((to, subject, text, headers),) = mailer.sent
    assert (to, subject) == (ADA, "Confirm your subscription to MyBlog.com")
    assert "/api/subscriptions/confirm?token=" in text
    assert "List-Unsubscribe" not in headers


def test_confirming_sends_the_welcome_with_one_click_unsubscribe(
    service: SubscriptionService, repo: Subscribers, mail: SubscriberMail, mailer: Mailer
) -> None:
    service.subscribe(ADA)
    deliver(repo, mail)
    token = token_of(mailer.sent[0][2])
    service.confirm(token)
    service.confirm(token)  # a second click changes nothing
    assert repo.items[ADA].status == ACTIVE
    assert deliver(repo, mail) == [WELCOME]
    assert deliver(repo, mail) == [None]
    _, subject, text, headers = mailer.sent[1]
    assert subject == "Welcome to MyBlog.com"
    unsubscribe = token_of(text)
    assert headers["List-Unsubscribe"] == f"<{text.split()[-1]}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    service.unsubscribe(unsubscribe)
    service.unsubscribe(unsubscribe)  # RFC 8058 clients may POST more than once
    assert repo.items[ADA].status == UNSUBSCRIBED
    assert deliver(repo, mail) == [None]
    assert len(mailer.sent) == 2


def test_links_carry_no_readable_address(
    service: SubscriptionService, repo: Subscribers, mail: SubscriberMail, mailer: Mailer
) -> None:
    service.subscribe(ADA)
    deliver(repo, mail)
    token = token_of(mailer.sent[0][2])
    _, payload, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(claims) == {"s", "e"}
    assert "ada" not in token.lower()
    assert ADA not in json.dumps(claims)


def test_a_repeated_request_within_the_hour_sends_nothing_more(
    service: SubscriptionService,
    repo: Subscribers,
    mail: SubscriberMail,
    mailer: Mailer,
    clock: Clock,
) -> None:
    service.subscribe(ADA)
    deliver(repo, mail)
    for _ in range(5):
        service.subscribe(ADA)
        service.subscribe("ADA@example.com")
        deliver(repo, mail)
    assert len(mailer.sent) == 1
    first = repo.items[ADA].sid
    clock.current += RESEND_AFTER + dt.timedelta(seconds=1)
    service.subscribe(ADA)
    deliver(repo, mail)
    assert len(mailer.sent) == 2
    assert repo.items[ADA].sid != first  # a new period: the first link no longer confirms
    with pytest.raises(InvalidLink):
        service.confirm(token_of(mailer.sent[0][2]))
    service.confirm(token_of(mailer.sent[1][2]))


def test_a_confirmation_link_expires_with_its_request(
    service: SubscriptionService,
    repo: Subscribers,
    mail: SubscriberMail,
    mailer: Mailer,
    clock: Clock,
) -> None:
    service.subscribe(ADA)
    deliver(repo, mail)
    assert repo.items[ADA].expires_at == clock.current + CONFIRM_WITHIN
    clock.current += CONFIRM_WITHIN
    with pytest.raises(InvalidLink):
        service.confirm(token_of(mailer.sent[0][2]))
    assert repo.items[ADA].status == PENDING


def test_subscribing_again_after_unsubscribing_works(
    service: SubscriptionService, repo: Subscribers, mail: SubscriberMail, mailer: Mailer
) -> None:
    service.subscribe(ADA)
    deliver(repo, mail)
    service.confirm(token_of(mailer.sent[0][2]))
    deliver(repo, mail)
    old_unsubscribe = token_of(mailer.sent[1][2])
    service.unsubscribe(old_unsubscribe)
    service.subscribe(ADA)  # at once: an unsubscribed address may ask again
    assert deliver(repo, mail) == [CONFIRMATION]
    service.confirm(token_of(mailer.sent[2][2]))
    assert deliver(repo, mail) == [WELCOME]
    with pytest.raises(InvalidLink):
        service.unsubscribe(old_unsubscribe)  # the earlier period's link ends nothing now
    assert repo.items[ADA].status == ACTIVE


def test_links_are_bound_to_their_purpose(
    service: SubscriptionService, repo: Subscribers, mail: SubscriberMail, mailer: Mailer
) -> None:
    service.subscribe(ADA)
    deliver(repo, mail)
    confirm = token_of(mailer.sent[0][2])
    with pytest.raises(InvalidLink):
        service.unsubscribe(confirm)
    subscriber = repo.items[ADA]
    with pytest.raises(InvalidLink):
        service.confirm(service.link_token(subscriber, UNSUBSCRIBE))
    assert service.check(confirm, CONFIRM) == subscriber


@pytest.mark.parametrize("token", ["", "garbage", "k1.e30.AAAA", "x" * 2000])
def test_forged_links_are_refused(service: SubscriptionService, token: str) -> None:
    with pytest.raises(InvalidLink):
        service.confirm(token)
    with pytest.raises(InvalidLink):
        service.unsubscribe(token)


def test_a_suppressed_address_gets_nothing_ever_again(
    service: SubscriptionService, repo: Subscribers, mail: SubscriberMail, mailer: Mailer
) -> None:
    service.subscribe(ADA)
    deliver(repo, mail)
    assert Suppressions(repo).suppress("ADA@example.com", "bounce: General")
    assert repo.items[ADA].status == SUPPRESSED
    with pytest.raises(InvalidLink):
        service.confirm(token_of(mailer.sent[0][2]))
    service.subscribe(ADA)
    assert deliver(repo, mail) == [None]
    assert len(mailer.sent) == 1
    assert not Suppressions(repo).suppress("not an address", "complaint: abuse")


def test_a_failed_send_gives_its_claim_back(
    service: SubscriptionService, repo: Subscribers, mail: SubscriberMail, mailer: Mailer
) -> None:
    service.subscribe(ADA)
    mailer.fail = True
    with pytest.raises(DependencyUnavailable):
        mail.on_change(repo.items[ADA])
    mailer.fail = False
    assert mail.on_change(repo.items[ADA]) == CONFIRMATION
    assert len(mailer.sent) == 1


def test_a_late_record_of_an_earlier_state_sends_nothing(
    service: SubscriptionService, repo: Subscribers, mail: SubscriberMail, mailer: Mailer
) -> None:
    service.subscribe(ADA)
    pending = repo.items[ADA]
    repo.activate(ADA, pending.sid)
    assert mail.on_change(pending) is None  # the stored state moved on
    assert mailer.sent == []


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "no-at",
        "a@b",
        "a@-b.com",
        "a..b@example.com",
        ".a@example.com",
        "a@example.123",
        "a" * 250 + "@x.io",
    ],
)
def test_invalid_addresses_are_refused(raw: str) -> None:
    with pytest.raises(InvalidEmail):
        normalize_email(raw)
