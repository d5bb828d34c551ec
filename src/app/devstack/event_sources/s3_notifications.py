"""S3 event notifications -> Lambda function, locally.

The local stack points the bucket's notification at an SQS queue in the emulator (moto delivers
there, not to functions); the pump reads the queue and invokes the function with the S3 event of
the shape Lambda receives (one record per invocation, keys URL-encoded as S3 sends them, the fields
moto leaves out filled in). A failed invocation is retried twice, as Lambda retries an asynchronous
invocation, then dropped and counted.

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
        self, subscription: S3Subscription, sqs: Any, checkpoints: CheckpointStore | None = None
    ) -> None:
        self.subscription = subscription
        self._sqs = sqs
        self._checkpoints = checkpoints or CheckpointStore()
        self._key = f"{subscription.source or subscription.function_name}/handled"
        self._handled: list[str] = list(self._checkpoints.get(self._key) or [])
        self._started_ms = time.time() * 1000
        self._attempts: dict[str, int] = {}
        self.invocations = 0
        self.dropped = 0
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
            done = True
            for record in records:
                identity = _identity(record)
                if identity in self._handled:
                    if replayed:  # handled before the restart: not again
                        self.skipped_replays += 1
                        continue
                    self._handled.remove(identity)  # the same object made again, anew
                invoked += 1
                if self._invoke(record):
                    self._remember(identity)
                else:
                    done = False
            message_id = message["MessageId"]
            attempts = self._attempts[message_id] = self._attempts.get(message_id, 0) + 1
            if done or attempts > ASYNC_RETRIES:
                self.dropped += 0 if done else 1
                self._sqs.delete_message(
                    QueueUrl=self.subscription.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
        return invoked

    def drain(self, timeout: float = 20.0) -> None:
        """Poll until the queue is empty (S3 test events included)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll()
            attributes = self._sqs.get_queue_attributes(
                QueueUrl=self.subscription.queue_url,
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                ],
            )["Attributes"]
            if not any(int(value) for value in attributes.values()):
                return
            time.sleep(0.2)
        raise TimeoutError(f"S3 events of {self.subscription.function_name} still waiting")

    def _invoke(self, record: dict[str, Any]) -> bool:
        self.invocations += 1
        try:
            self.subscription.handler({"Records": [lambda_s3_record(record)]})
        except Exception:  # noqa: BLE001 - a failed invocation is data here, as on Lambda
            return False
        return True

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
