"""SNS topic -> Lambda function, locally.

moto delivers a topic's messages to subscribed queues, never to functions: the local stack
subscribes a queue to each topic a function's `SNS` event names, and the pump invokes the
function with the event Lambda receives from SNS (one record; `EventSource` "aws:sns", the
notification under `Sns`, with Lambda's spelling `SigningCertUrl` and `UnsubscribeUrl`). SNS
invokes asynchronously: a failed invocation is retried as the function's EventInvokeConfig
says (`MaximumRetryAttempts`, Lambda's default two), then the event goes to its on-failure
destination with Lambda's record of it (`requestContext.condition` "RetriesExhausted",
`requestPayload`), or is dropped and counted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.devstack.event_sources.async_invoke import drain, retries_exhausted
from app.devstack.functions.service import LocalLambda
from app.devstack.provisioning.model import Provisioned


@dataclass(frozen=True)
class SnsSubscription:
    """One function's SNS event source, delivered locally through a queue."""

    function_name: str
    function_arn: str
    queue_url: str
    subscription_arn: str
    handler: Callable[[dict[str, Any]], Any]  # invokes; raises when the invocation fails
    retries: int = 2
    on_failure_queue_url: str = ""


def lambda_sns_event(notification: dict[str, Any], subscription_arn: str) -> dict[str, Any]:
    """The event Lambda gets for one SNS notification (as queued by SNS for SQS)."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription_arn,
                "Sns": {
                    "Type": notification.get("Type", "Notification"),
                    "MessageId": notification.get("MessageId", str(uuid.uuid4())),
                    "TopicArn": notification.get("TopicArn", ""),
                    "Subject": notification.get("Subject"),
                    "Message": notification.get("Message", ""),
                    "Timestamp": notification.get("Timestamp", ""),
                    "SignatureVersion": notification.get("SignatureVersion", "1"),
                    "Signature": notification.get("Signature", "local"),
                    "SigningCertUrl": notification.get("SigningCertURL", ""),
                    "UnsubscribeUrl": notification.get("UnsubscribeURL", ""),
                    "MessageAttributes": notification.get("MessageAttributes", {}),
                },
            }
        ]
    }


class SnsEventPump:
    """Delivers one queue's SNS notifications to a handler; `poll` does one round."""

    def __init__(self, subscription: SnsSubscription, sqs: Any) -> None:
        self.subscription = subscription
        self._sqs = sqs
        self.invocations = 0
        self.failed = 0

    def poll(self) -> int:
        """Receive what is waiting and invoke once per notification; returns invocations."""
        sub = self.subscription
        response = self._sqs.receive_message(
            QueueUrl=sub.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=5
        )
        for message in response.get("Messages", []):
            event = lambda_sns_event(json.loads(message["Body"]), sub.subscription_arn)
            error = self._invoke(event)
            if error is not None:
                self.failed += 1
                self._give_up(event, error)
            self._sqs.delete_message(QueueUrl=sub.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(response.get("Messages", []))

    def drain(self, timeout: float = 20.0) -> None:
        """Poll until the queue is empty."""
        sub = self.subscription
        drain(self.poll, self._sqs, sub.queue_url, f"SNS events of {sub.function_name}", timeout)

    def _invoke(self, event: dict[str, Any]) -> str | None:
        """Invoke, retrying as Lambda retries; the last error, or None once it succeeded."""
        error = None
        for _ in range(1 + self.subscription.retries):
            self.invocations += 1
            try:
                self.subscription.handler(event)
            except Exception as exc:  # noqa: BLE001 - a failed invocation is data, as on Lambda
                error = str(exc) or type(exc).__name__
                continue
            return None
        return error

    def _give_up(self, event: dict[str, Any], error: str) -> None:
        sub = self.subscription
        if sub.on_failure_queue_url:
            record = retries_exhausted(sub.function_arn, event, 1 + sub.retries, error)
            self._sqs.send_message(
                QueueUrl=sub.on_failure_queue_url, MessageBody=json.dumps(record)
            )


def sns_event_sources(
    provisioned: Provisioned, functions: LocalLambda, sqs: Any
) -> dict[str, list[SnsEventPump]]:
    """A pump per SNS event source, by function."""
    pumps: dict[str, list[SnsEventPump]] = {}
    for source in provisioned.sns_sources:
        spec = provisioned.functions[source.function]
        subscription = SnsSubscription(
            function_name=spec.name,
            function_arn=provisioned.attributes[(source.function, "Arn")],
            queue_url=source.queue_url,
            subscription_arn=source.subscription_arn,
            handler=functions.handler(source.function),
            retries=spec.async_invoke.maximum_retry_attempts,
            on_failure_queue_url=provisioned.queue_urls.get(spec.async_invoke.on_failure or "", ""),
        )
        pumps.setdefault(source.function, []).append(SnsEventPump(subscription, sqs))
    return pumps
