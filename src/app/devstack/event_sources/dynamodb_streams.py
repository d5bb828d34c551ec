"""DynamoDB stream -> Lambda function, locally, with Lambda's event source mapping semantics.

moto keeps a table's stream but runs no function. The pump reads the emulator's stream and invokes
the function with events of the exact AWS shape, honouring what the template's event source says:
batch size, starting position, filter criteria, ReportBatchItemFailures (retry from the first
failed record), BisectBatchOnFunctionError, MaximumRetryAttempts and the on-failure destination (an
SQS message in the shape Lambda sends). Like a mapping it keeps its position: with a checkpoint
store, the last record each shard finished is saved, and a restart resumes after it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.devstack.event_sources.checkpoints import CheckpointStore

# Invokes the function: returns its result, raises when the invocation fails.
Invoke = Callable[[dict[str, Any]], Any]
ACCOUNT_ID = "123456789012"


@dataclass(frozen=True)
class StreamSubscription:
    """One function's DynamoDB event source, as the template declares it."""

    function_name: str
    stream_arn: str
    handler: Invoke
    batch_size: int = 100
    starting_position: str = "LATEST"
    filters: list[dict[str, Any]] = field(default_factory=list)
    report_batch_item_failures: bool = False
    maximum_retry_attempts: int = -1
    bisect_on_error: bool = False
    on_failure_queue_url: str | None = None
    source: str = ""  # names the mapping in the checkpoint store (function/event)

    @property
    def function_arn(self) -> str:
        """The function's ARN in the emulator's account."""
        region = self.stream_arn.split(":")[3] if self.stream_arn.count(":") > 3 else "us-east-1"
        return f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{self.function_name}"


def matches(pattern: dict[str, Any], record: dict[str, Any]) -> bool:
    """EventBridge-style pattern matching as Lambda filter criteria use it (exact values)."""
    for key, expected in pattern.items():
        value = record.get(key)
        if isinstance(expected, dict):
            if not isinstance(value, dict) or not matches(expected, value):
                return False
        elif value not in expected:
            return False
    return True


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A stream record as Lambda delivers it (eventVersion 1.1, eventSourceARN, epoch times)."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, dt.datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": record["awsRegion"],
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }


class StreamPump:
    """Delivers one subscription's stream to its handler; `poll` does one round of work."""

    def __init__(
        self,
        subscription: StreamSubscription,
        streams: Any,
        sqs: Any,
        checkpoints: CheckpointStore | None = None,
    ) -> None:
        self.subscription = subscription
        self._streams = streams
        self._sqs = sqs
        self._checkpoints = checkpoints or CheckpointStore()
        self._iterators: dict[str, str | None] = {}
        self._pending: dict[str, list[dict[str, Any]]] = {}
        self._attempts: dict[str, int] = {}
        self._limit: dict[str, int] = {}
        self.invocations = 0
        self.sent_to_failure_destination = 0

    def attach(self) -> None:
        """Take positions in the stream now (LATEST means: from this moment on)."""
        self._shards()

    def poll(self) -> int:
        """Read new records and make at most one invocation per shard; returns invocations."""
        invoked = 0
        for shard in self._shards():
            self._read(shard)
            if self._pending[shard]:
                self._deliver(shard)
                invoked += 1
        return invoked

    def drain(self, timeout: float = 10.0) -> None:
        """Poll until nothing is pending and nothing new arrives (tests and seeding)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.poll() == 0:
                return
        raise TimeoutError(f"stream of {self.subscription.function_name} still busy")

    def _shards(self) -> list[str]:
        description = self._streams.describe_stream(StreamArn=self.subscription.stream_arn)
        shards = [s["ShardId"] for s in description["StreamDescription"]["Shards"]]
        for shard in shards:
            if shard not in self._iterators:
                self._iterators[shard] = self._iterator(shard)
                self._pending[shard] = []
        return shards

    def _checkpoint_key(self, shard: str) -> str:
        return f"{self.subscription.source or self.subscription.function_name}/{shard}"

    def _iterator(self, shard: str) -> str:
        """After the saved position when there is one still in the stream, else from the start
        the mapping names (TRIM_HORIZON or LATEST)."""
        arn, saved = (
            self.subscription.stream_arn,
            self._checkpoints.get(self._checkpoint_key(shard)),
        )
        if saved is not None:
            at = self._streams.get_shard_iterator(
                StreamArn=arn,
                ShardId=shard,
                ShardIteratorType="AT_SEQUENCE_NUMBER",
                SequenceNumber=saved,
            )["ShardIterator"]
            records = self._streams.get_records(ShardIterator=at, Limit=1)["Records"]
            if records and records[0]["dynamodb"]["SequenceNumber"] == saved:
                iterator: str = self._streams.get_shard_iterator(
                    StreamArn=arn,
                    ShardId=shard,
                    ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                    SequenceNumber=saved,
                )["ShardIterator"]
                return iterator
            self._checkpoints.remove(self._checkpoint_key(shard))  # a stream made anew
        start: str = self._streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType=self.subscription.starting_position
        )["ShardIterator"]
        return start

    def _done(self, shard: str, records: list[dict[str, Any]]) -> None:
        """`records` (the oldest pending ones) are finished: drop them, save the position."""
        if records:
            del self._pending[shard][: len(records)]
            last = records[-1]["dynamodb"]["SequenceNumber"]
            self._checkpoints.put(self._checkpoint_key(shard), last)

    def _read(self, shard: str) -> None:
        iterator = self._iterators[shard]
        if iterator is None:
            return
        response = self._streams.get_records(ShardIterator=iterator, Limit=1000)
        self._iterators[shard] = response.get("NextShardIterator")
        for record in response["Records"]:
            shaped = lambda_record(record, self.subscription.stream_arn)
            filters = self.subscription.filters
            if not filters or any(matches(pattern, shaped) for pattern in filters):
                self._pending[shard].append(shaped)

    def _deliver(self, shard: str) -> None:
        pending = self._pending[shard]
        size = min(self.subscription.batch_size, self._limit.get(shard, len(pending)))
        batch = pending[:size]
        self.invocations += 1
        try:
            response = self.subscription.handler({"Records": batch})
        except Exception:  # noqa: BLE001 - a failed invocation is data here, as on Lambda
            self._failed(shard, batch, 0, whole_batch=True)
            return
        failures = []
        if self.subscription.report_batch_item_failures and isinstance(response, dict):
            failures = [f["itemIdentifier"] for f in response.get("batchItemFailures") or []]
        if not failures:
            self._done(shard, batch)
            self._limit.pop(shard, None)
            return
        sequence = [r["dynamodb"]["SequenceNumber"] for r in batch]
        first = min(sequence.index(f) if f in sequence else 0 for f in failures)
        self._failed(shard, batch, first, whole_batch=False)

    def _failed(
        self, shard: str, batch: list[dict[str, Any]], first: int, *, whole_batch: bool
    ) -> None:
        self._done(shard, batch[:first])  # records before the first failure are done
        retried = batch[first:]
        key = retried[0]["dynamodb"]["SequenceNumber"]
        self._attempts[key] = self._attempts.get(key, 0) + 1
        limit = self.subscription.maximum_retry_attempts
        if whole_batch and self.subscription.bisect_on_error and len(retried) > 1:
            self._limit[shard] = max(1, len(retried) // 2)
            return
        if limit >= 0 and self._attempts[key] > limit:
            self._send_to_failure_destination(shard, retried)
            self._done(shard, retried)
            self._limit.pop(shard, None)

    def _send_to_failure_destination(self, shard: str, records: list[dict[str, Any]]) -> None:
        self.sent_to_failure_destination += len(records)
        queue = self.subscription.on_failure_queue_url
        if queue is None:
            return
        first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
        message = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.subscription.function_arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": self._attempts[first["SequenceNumber"]],
            },
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": "Unhandled",
            },
            "version": "1.0",
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "DDBStreamBatchInfo": {
                "shardId": shard,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": first.get("ApproximateCreationDateTime"),
                "approximateArrivalOfLastRecord": last.get("ApproximateCreationDateTime"),
                "batchSize": len(records),
                "streamArn": self.subscription.stream_arn,
            },
        }
        self._sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(message, default=str))
