"""The local stream pump delivers like Lambda's event source mapping, on a real emulator stream."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from app.devstack.event_sources.dynamodb_streams import StreamPump, StreamSubscription
from tests.conftest import LocalAws


@pytest.fixture
def aws(local_aws: LocalAws) -> Callable[[str], Any]:
    session: Any = boto3.session.Session(region_name="us-east-1")

    def client(service: str) -> Any:
        return session.client(service, endpoint_url=local_aws.endpoint)

    return client


@pytest.fixture
def table(aws: Callable[[str], Any]) -> Iterator[tuple[str, str]]:
    name = f"pump-{secrets.token_hex(4)}"
    description = aws("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]
    yield name, description["LatestStreamArn"]
    aws("dynamodb").delete_table(TableName=name)


@pytest.fixture
def queue(aws: Callable[[str], Any]) -> str:
    url: str = aws("sqs").create_queue(QueueName=f"failures-{secrets.token_hex(4)}")["QueueUrl"]
    return url


def pump_for(
    aws: Callable[[str], Any], stream: str, handler: Callable[..., Any], **options: Any
) -> StreamPump:
    subscription = StreamSubscription("TestFunction", stream, handler, **options)
    pump = StreamPump(subscription, aws("dynamodbstreams"), aws("sqs"))
    pump.attach()
    return pump


def put(aws: Callable[[str], Any], table: str, *ids: str) -> None:
    for item_id in ids:
        aws("dynamodb").put_item(TableName=table, Item={"id": {"S": item_id}})


def ids(event: dict[str, Any]) -> list[str]:
    return [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]]


def test_events_have_lambdas_shape_and_batch_size(
    aws: Callable[[str], Any], table: tuple[str, str]
) -> None:
    name, stream = table
    batches: list[dict[str, Any]] = []
    pump = pump_for(aws, stream, batches.append, batch_size=2)
    put(aws, name, "a", "b", "c")
    pump.drain()
    assert [ids(b) for b in batches] == [["a", "b"], ["c"]]
    record = batches[0]["Records"][0]
    assert record["eventName"] == "INSERT"
    assert record["eventVersion"] == "1.1"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == stream
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
    assert record["dynamodb"]["NewImage"] == {"id": {"S": "a"}}
    assert record["dynamodb"]["SequenceNumber"]


def test_starting_position_latest_skips_what_came_before(
    aws: Callable[[str], Any], table: tuple[str, str]
) -> None:
    name, stream = table
    put(aws, name, "before")
    seen: list[str] = []
    pump = pump_for(aws, stream, lambda event: seen.extend(ids(event)))
    put(aws, name, "after")
    pump.drain()
    assert seen == ["after"]


def test_filter_criteria_drop_other_events(
    aws: Callable[[str], Any], table: tuple[str, str]
) -> None:
    name, stream = table
    seen: list[str] = []
    pump = pump_for(
        aws,
        stream,
        lambda event: seen.extend(r["eventName"] for r in event["Records"]),
        filters=[{"eventName": ["INSERT"]}],
    )
    put(aws, name, "a")
    aws("dynamodb").delete_item(TableName=name, Key={"id": {"S": "a"}})
    pump.drain()
    assert seen == ["INSERT"]


def test_partial_failure_retries_from_the_failed_record_then_gives_up_to_the_queue(
    aws: Callable[[str], Any], table: tuple[str, str], queue: str
) -> None:
    name, stream = table
    deliveries: list[list[str]] = []

    def handler(event: dict[str, Any]) -> dict[str, Any]:
        deliveries.append(ids(event))
        failed = [r for r in event["Records"] if r["dynamodb"]["Keys"]["id"]["S"] == "poison"]
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in failed
            ]
        }

    pump = pump_for(
        aws,
        stream,
        handler,
        batch_size=10,
        report_batch_item_failures=True,
        maximum_retry_attempts=2,
        on_failure_queue_url=queue,
    )
    put(aws, name, "ok-1", "poison", "ok-2")
    pump.drain()
    assert deliveries[0] == ["ok-1", "poison", "ok-2"]
    assert deliveries[1:] == [["poison", "ok-2"]] * 2  # retried from the failed record, twice
    assert pump.sent_to_failure_destination == 2
    messages = aws("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    (message,) = messages
    info = json.loads(message["Body"])
    assert info["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert info["DDBStreamBatchInfo"]["batchSize"] == 2
    assert info["DDBStreamBatchInfo"]["streamArn"] == stream


def test_a_raising_handler_is_bisected_until_the_poison_record_is_alone(
    aws: Callable[[str], Any], table: tuple[str, str], queue: str
) -> None:
    name, stream = table
    processed: list[str] = []

    def handler(event: dict[str, Any]) -> None:
        if "poison" in ids(event):
            raise RuntimeError("cannot process")
        processed.extend(ids(event))

    pump = pump_for(
        aws,
        stream,
        handler,
        batch_size=4,
        bisect_on_error=True,
        maximum_retry_attempts=1,
        on_failure_queue_url=queue,
    )
    put(aws, name, "a", "b", "poison", "c")
    pump.drain()
    assert sorted(processed) == ["a", "b", "c"]
    assert pump.sent_to_failure_destination == 1
