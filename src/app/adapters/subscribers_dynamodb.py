"""Subscribers in DynamoDB through PynamoDB: the address is the key, the subscription id an index.

Every change is a conditional write on the stored state, so concurrent requests, clicks and
stream redeliveries cannot undo each other; the mail ledger (which email went out for which
subscription period) lives on the same item.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.attributes import UTCDateTimeAttribute as Time
from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from app.adapters.todos_dynamodb import bind_to_table, translated_errors
from app.domain.errors import StorageUnavailable
from app.domain.subscriber_mail import CONFIRMATION, WELCOME
from app.domain.subscriptions import ACTIVE, PENDING, SUPPRESSED, UNSUBSCRIBED, Subscriber

SID_INDEX = "bySid"


class _BySid(GlobalSecondaryIndex["SubscriberItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = SID_INDEX
        projection = AllProjection()

    sid = UnicodeAttribute(hash_key=True)


class SubscriberItem(Model):
    """Attribute layout of the subscribers table (its stream carries NEW_IMAGE)."""

    email = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()
    sid = UnicodeAttribute(null=True)
    requested_at = Time(null=True, attr_name="requestedAt")
    expires_at = TTLAttribute(null=True, attr_name="expiresAt")  # the table's TTL: pending only
    changed_at = Time(null=True, attr_name="changedAt")
    reason = UnicodeAttribute(null=True)


class MailLedgerItem(Model):
    """One email of one subscription period, in the same table under a key that is no address
    (`mail:<kind>:<sid>` has no `@`) and without `status`, so the stream's filter drops its
    changes: claiming, failing and sending write here and trigger nothing."""

    key = UnicodeAttribute(hash_key=True, attr_name="email")
    lease_until = NumberAttribute(null=True, attr_name="leaseUntil")
    sent_at = Time(null=True, attr_name="sentAt")
    expires_at = TTLAttribute(null=True, attr_name="expiresAt")


LEDGER_RETENTION = dt.timedelta(days=400)  # past every link's life: then the TTL drops it


@dataclass(frozen=True)
class SubscriberTable:
    """The models bound to one subscribers table."""

    subscribers: type[SubscriberItem]
    ledger: type[MailLedgerItem]


def bind_subscriber_model(table_name: str, region: str, host: str | None = None) -> SubscriberTable:
    """Models bound to one subscribers table."""

    class BoundBySid(_BySid):  # type: ignore[no-untyped-call]
        class Meta:
            index_name = SID_INDEX
            projection = AllProjection()

    class BoundSubscriberItem(SubscriberItem):
        class Meta:
            pass

        by_sid = BoundBySid()

    class BoundLedgerItem(MailLedgerItem):
        class Meta:
            pass

    bind_to_table(BoundSubscriberItem, table_name, region, host)
    bind_to_table(BoundLedgerItem, table_name, region, host)
    return SubscriberTable(BoundSubscriberItem, BoundLedgerItem)


def subscriber_from_image(image: dict[str, Any]) -> Subscriber | None:
    """A subscriber from a stream record's NewImage (plain values), None if it names none."""
    email, status, sid = image.get("email"), image.get("status"), image.get("sid")
    if not (isinstance(email, str) and isinstance(status, str) and isinstance(sid, str)):
        return None
    requested = dt.datetime.strptime(str(image.get("requestedAt")), "%Y-%m-%dT%H:%M:%S.%f%z")
    expires = image.get("expiresAt")
    return Subscriber(
        email,
        status,
        sid,
        requested,
        dt.datetime.fromtimestamp(int(expires), dt.UTC) if expires is not None else None,
    )


class DynamoSubscriberRepository:
    """SubscriberRepository and MailLedger on one table."""

    def __init__(self, table: SubscriberTable) -> None:
        self._model = table.subscribers
        self._ledger = table.ledger
        self._by_sid: Any = getattr(table.subscribers, "by_sid")  # noqa: B009 - the bound index
        meta = table.ledger.Meta
        self._connection = Connection(region=meta.region, host=meta.host)

    def request(self, subscriber: Subscriber, *, resend_before: dt.datetime) -> bool:
        """A new pending period, unless one is live and recent, or the address is taken."""
        m = self._model
        item = m(
            subscriber.email,
            status=PENDING,
            sid=subscriber.sid,
            requested_at=subscriber.requested_at,
            expires_at=subscriber.expires_at,
            changed_at=subscriber.requested_at,
        )
        condition = (
            m.email.does_not_exist()
            | (m.status == UNSUBSCRIBED)
            | ((m.status == PENDING) & (m.requested_at < resend_before))
        )
        try:
            with translated_errors():
                item.save(condition=condition)
        except PutError:
            return False
        return True

    def by_sid(self, sid: str) -> Subscriber | None:
        """Through the index (eventually consistent: a link is clicked long after it was made)."""
        if not sid:
            return None
        with translated_errors():
            items = list(self._by_sid.query(sid, limit=1))
        return _subscriber(items[0]) if items else None

    def activate(self, email: str, sid: str) -> bool:
        """Pending -> active, for this period only."""
        m = self._model
        return self._update(
            email,
            [m.status.set(ACTIVE), m.expires_at.remove(), m.changed_at.set(_now())],
            (m.status == PENDING) & (m.sid == sid),
        )

    def end(self, email: str, sid: str) -> bool:
        """Active or pending -> unsubscribed, for this period only."""
        m = self._model
        return self._update(
            email,
            [m.status.set(UNSUBSCRIBED), m.expires_at.remove(), m.changed_at.set(_now())],
            m.status.is_in(ACTIVE, PENDING) & (m.sid == sid),
        )

    def suppress(self, email: str, reason: str) -> None:
        """Whatever the state, or none: suppressed."""
        m = self._model
        with translated_errors():
            m(email).update(
                actions=[
                    m.status.set(SUPPRESSED),
                    m.reason.set(reason),
                    m.expires_at.remove(),
                    m.changed_at.set(_now()),
                ]
            )

    def claim(self, subscriber: Subscriber, kind: str, lease_seconds: float) -> bool:
        """Take the right to send `kind` for this period, in one transaction: the subscriber is
        still in this state and period, the email was not sent, nobody holds a live lease."""
        m, ledger, now = self._model, self._ledger, time.time()
        entry = ledger(
            _ledger_key(subscriber, kind),
            lease_until=now + lease_seconds,
            expires_at=_now() + LEDGER_RETENTION,
        )
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.condition_check(
                    m,
                    subscriber.email,
                    condition=(m.status == subscriber.status) & (m.sid == subscriber.sid),
                )
                transaction.save(
                    entry,
                    condition=ledger.key.does_not_exist()
                    | (ledger.sent_at.does_not_exist() & (ledger.lease_until < now)),
                )
        except TransactWriteError as error:
            if error.cause_response_code == "TransactionCanceledException":
                return False
            raise StorageUnavailable(type(error).__name__) from error
        return True

    def release(self, subscriber: Subscriber, kind: str) -> None:
        """Give the claim back after a failed send (not once sent)."""
        ledger = self._ledger
        with contextlib.suppress(DeleteError), translated_errors():
            ledger(_ledger_key(subscriber, kind)).delete(condition=ledger.sent_at.does_not_exist())

    def done(self, subscriber: Subscriber, kind: str) -> None:
        """`kind` went out for this period: never again for it."""
        ledger = self._ledger
        with translated_errors():
            ledger(_ledger_key(subscriber, kind)).update(
                actions=[ledger.sent_at.set(_now()), ledger.lease_until.remove()]
            )

    def _update(self, email: str, actions: list[Any], condition: Any) -> bool:
        try:
            with translated_errors():
                self._model(email).update(actions=actions, condition=condition)
        except UpdateError:
            return False
        return True


def _ledger_key(subscriber: Subscriber, kind: str) -> str:
    if kind not in (CONFIRMATION, WELCOME):
        raise ValueError(f"no such email: {kind}")
    return f"mail:{kind}:{subscriber.sid}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _subscriber(item: SubscriberItem) -> Subscriber:
    return Subscriber(
        item.email,
        item.status,
        item.sid or "",
        item.requested_at or _now(),
        item.expires_at,
    )
