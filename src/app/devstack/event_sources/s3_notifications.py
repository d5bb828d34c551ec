"""S3 event notifications -> Lambda function, locally.

The local stack points the bucket's notification at an SQS queue in the emulator (moto delivers
there, not to functions); the pump reads the queue and invokes the function with the S3 event of
the shape Lambda receives (one record per invocation, keys URL-encoded as S3 sends them, the fields
moto leaves out filled in). S3 invokes a function asynchronously, so a failed invocation is retried
as the function's `EventInvokeConfig` says (twice by default), then sent to its on-failure
destination when it has one (an SQS queue: Lambda's invocation record, with the event as
`requestPayload`), else dropped; both are counted.

Across a restart: replaying the emulator's recording uploads every object again, so the queue
fills with notifications already handled. The pump remembers what it handled (in the checkpoint
store) and skips those among the messages queued before it started; one queued before Ctrl-C and
never handled is handled once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.devstack.event_sources.async_invoke import drain, retries_exhausted
from app.devstack.event_sources.checkpoints import CheckpointStore

ASYNC_RETRIES = 2
REMEMBERED = 5_000  # handled notifications kept to recognize their replays


@dataclass(frozen=True)
class S3Subscription:
    """One function's S3 event source, delivered locally through a queue."""

    function_name: str
    queue_url: str
    handler: Callable[[dict[str, Any]], Any]  # invokes; raises when the invocation fails
    source: str = ""  # names the mapping in the checkpoint store (function/event)
    maximum_retry_attempts: int = ASYNC_RETRIES
    on_failure_queue_url: str | None = None
    function_arn: str = ""


def lambda_s3_record(record: dict[str, Any]) -> dict[str, Any]:
    """An S3 notification record with every field Lambda's S3 event carries."""
    shaped = dict(record)
    shaped.setdefault("eventVersion", "2.1")
    shaped.setdefault("userIdentity", {"principalId": "AWS:LOCALSTACKUSER"})
    shaped.setdefault("requestParameters", {"sourceIPAddress": "127.0.0.1"})
    shaped.setdefault("responseElements", {"x-amz-request-id": "local", "x-amz-id-2": "local"})
    s3 = dict(shaped["s3"])
    obj = dict(s3["object"])
    obj.setdefault("sequencer", "0")
    s3["object"] = obj
    shaped["s3"] = s3
    return shaped


class S3EventPump:
    """Delivers one queue's S3 events to a handler; `poll` does one round."""

    def __init__(
        self,
        subscription: S3Subscription,
        sqs: Any,
        checkpoints: CheckpointStore | None = None,
        failures_sqs: Any = None,
    ) -> None:
        """`sqs` reaches the notification queue; `failures_sqs` the on-failure destination."""
        self.subscription = subscription
        self._sqs = sqs
        self._failures_sqs = failures_sqs or sqs
        self._checkpoints = checkpoints or CheckpointStore()
        self._key = f"{subscription.source or subscription.function_name}/handled"
        self._handled: list[str] = list(self._checkpoints.get(self._key) or [])
        self._started_ms = time.time() * 1000
        self._attempts: dict[str, int] = {}
        self.invocations = 0
        self.dropped = 0
        self.sent_to_failure_destination = 0
        self.skipped_replays = 0

    def poll(self) -> int:
        """Receive what is waiting and invoke for each record; returns invocations."""
        response = self._sqs.receive_message(
            QueueUrl=self.subscription.queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=1,
            AttributeNames=["SentTimestamp"],
        )
        invoked = 0
        for message in response.get("Messages", []):
            body = json.loads(message["Body"])
            records = body.get("Records", []) if isinstance(body, dict) else []
            queued_before = int(message.get("Attributes", {}).get("SentTimestamp", "0"))
            replayed = queued_before <= self._started_ms
            failed: list[tuple[dict[str, Any], str]] = []
            for record in records:
                identity = _identity(record)
                if identity in self._handled:
                    if replayed:  # handled before the restart: not again
                        self.skipped_replays += 1
                        continue
                    self._handled.remove(identity)  # the same object made again, anew
                invoked += 1
                error = self._invoke(record)
                if error is None:
                    self._remember(identity)
                else:
                    failed.append((record, error))
            message_id = message["MessageId"]
            attempts = self._attempts[message_id] = self._attempts.get(message_id, 0) + 1
            if failed and attempts > self.subscription.maximum_retry_attempts:
                for record, error in failed:
                    self._give_up(record, error, attempts)
            if not failed or attempts > self.subscription.maximum_retry_attempts:
                self._sqs.delete_message(
                    QueueUrl=self.subscription.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
        return invoked

    def drain(self, timeout: float = 20.0) -> None:
        """Poll until the queue is empty (S3 test events included)."""
        sub = self.subscription
        drain(self.poll, self._sqs, sub.queue_url, f"S3 events of {sub.function_name}", timeout)

    def _invoke(self, record: dict[str, Any]) -> str | None:
        """Invoke with one record; the error when the invocation failed, else None."""
        self.invocations += 1
        try:
            self.subscription.handler({"Records": [lambda_s3_record(record)]})
        except Exception as exc:  # noqa: BLE001 - a failed invocation is data here, as on Lambda
            return str(exc) or type(exc).__name__
        return None

    def _give_up(self, record: dict[str, Any], error: str, attempts: int) -> None:
        """Retries exhausted: to the on-failure destination (Lambda developer guide, "Capturing
        records of Lambda asynchronous invocations"), or dropped."""
        queue = self.subscription.on_failure_queue_url
        if queue is None:
            self.dropped += 1
            return
        self.sent_to_failure_destination += 1
        payload = {"Records": [lambda_s3_record(record)]}
        message = retries_exhausted(self.subscription.function_arn, payload, attempts, error)
        self._failures_sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(message))

    def _remember(self, identity: str) -> None:
        self._handled = [*self._handled, identity][-REMEMBERED:]
        self._checkpoints.put(self._key, self._handled)


def _identity(record: dict[str, Any]) -> str:
    """What makes a notification the same one again: event, bucket, key, version, content."""
    s3 = record.get("s3", {})
    obj = s3.get("object", {})
    parts = (
        record.get("eventName"),
        s3.get("bucket", {}).get("name"),
        obj.get("key"),
        obj.get("versionId"),
        obj.get("eTag"),
        obj.get("size"),
    )
    return "|".join(str(part) for part in parts)
