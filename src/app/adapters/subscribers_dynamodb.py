"""Subscribers in DynamoDB through PynamoDB, and the welcome-email claim that makes sending once."""

from __future__ import annotations

import time

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.models import Model

from app.adapters.todos_dynamodb import bind_to_table, translated_errors
from app.domain.subscriptions import Subscriber

ACTIVE, UNSUBSCRIBED = "active", "unsubscribed"
SENDING, SENT = "sending", "sent"


class SubscriberItem(Model):
    """Attribute layout of the subscribers table (its stream carries NEW_IMAGE)."""

    email = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute(default=ACTIVE)
    subscribed_at = UTCDateTimeAttribute(attr_name="subscribedAt")
    welcome = UnicodeAttribute(null=True)
    welcome_lease_until = NumberAttribute(null=True, attr_name="welcomeLeaseUntil")


def bind_subscriber_model(
    table_name: str, region: str, host: str | None = None
) -> type[SubscriberItem]:
    """A model bound to one subscribers table."""

    class BoundSubscriberItem(SubscriberItem):
        class Meta:
            pass

    bind_to_table(BoundSubscriberItem, table_name, region, host)
    return BoundSubscriberItem


class DynamoSubscriberRepository:
    """SubscriberRepository, plus the claim/release/confirm steps of sending a welcome once."""

    def __init__(self, model: type[SubscriberItem]) -> None:
        self._model = model

    def add_if_absent(self, subscriber: Subscriber) -> bool:
        """Conditional put: the address is the key."""
        item = self._model(subscriber.email, subscribed_at=subscriber.subscribed_at)
        try:
            with translated_errors():
                item.save(condition=self._model.email.does_not_exist())
        except PutError:
            return False
        return True

    def deactivate(self, email: str) -> bool:
        """Active -> unsubscribed, once."""
        try:
            with translated_errors():
                self._model(email).update(
                    actions=[self._model.status.set(UNSUBSCRIBED)],
                    condition=self._model.status == ACTIVE,
                )
        except UpdateError:
            return False
        return True

    def claim_welcome(self, email: str, lease_seconds: float) -> bool:
        """Take the right to send the welcome: nobody sent it and nobody holds a live lease."""
        now = time.time()
        model = self._model
        try:
            with translated_errors():
                model(email).update(
                    actions=[
                        model.welcome.set(SENDING),
                        model.welcome_lease_until.set(now + lease_seconds),
                    ],
                    condition=model.email.exists()
                    & (model.welcome.does_not_exist() | (model.welcome_lease_until < now)),
                )
        except UpdateError:
            return False
        return True

    def release_welcome(self, email: str) -> None:
        """Give the claim back after a failed send, so a retry can send."""
        try:
            with translated_errors():
                self._model(email).update(
                    actions=[
                        self._model.welcome.remove(),
                        self._model.welcome_lease_until.remove(),
                    ],
                    condition=self._model.welcome == SENDING,
                )
        except UpdateError:
            return  # the lease expires anyway

    def confirm_welcome(self, email: str) -> None:
        """The welcome went out: never again."""
        with translated_errors():
            self._model(email).update(
                actions=[self._model.welcome.set(SENT), self._model.welcome_lease_until.remove()]
            )
