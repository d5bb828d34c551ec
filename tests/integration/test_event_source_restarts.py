"""Event sources keep their place across a restart of the local stack, as a mapping does.

An emulator with a recording is stopped and started again (its recording replayed, as `make run`
restores data); pollers built afresh with the same checkpoint file deliver what was left, once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest

from app.devstack.emulators.process import Emulator
from app.devstack.event_sources.checkpoints import CheckpointStore
from app.devstack.event_sources.dynamodb_streams import StreamPump, StreamSubscription
from app.devstack.event_sources.s3_notifications import S3EventPump, S3Subscription
from app.devstack.ports import free_port

TABLE, BUCKET, QUEUE = "restart-table", "restart-bucket", "restart-events"


class Recorded:
    """An emulator that records every write and replays the recording when started again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.recording = folder / "recording.jsonl"

    @contextmanager
    def running(self) -> Iterator[str]:
        replay = self.recording.exists()
        emulator = Emulator(
            self.port,
            recording=self.recording,
            log=self.folder / "emulator.log",
            server_module="app.devstack.emulators.recorded",
        )
        emulator.start()
        try:
            emulator.post("/moto-api/recorder/replay-recording" if replay else "/moto-api/seed?a=7")
            yield emulator.url
        finally:
            emulator.stop()


def client(url: str, service: str) -> Any:
    return boto3.session.Session(region_name="us-east-1").client(service, endpoint_url=url)  # type: ignore[call-overload]


def ids(event: dict[str, Any]) -> list[str]:
    return [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]]


def stream_pump(url: str, store: Path, seen: list[str]) -> StreamPump:
    arn = client(url, "dynamodb").describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    subscription = StreamSubscription(
        "RestartFunction",
        arn,
        lambda event: seen.extend(ids(event)),
        starting_position="TRIM_HORIZON",
        source="RestartFunction/Changes",
    )
    pump = StreamPump(
        subscription, client(url, "dynamodbstreams"), client(url, "sqs"), CheckpointStore(store)
    )
    pump.attach()
    return pump


def put(url: str, *keys: str) -> None:
    for key in keys:
        client(url, "dynamodb").put_item(TableName=TABLE, Item={"id": {"S": key}})


def test_a_stream_record_written_before_a_restart_is_delivered_after_it_once(
    tmp_path: Path,
) -> None:
    emulator, store = Recorded(tmp_path), tmp_path / "event-sources.json"
    before: list[str] = []
    with emulator.running() as url:
        client(url, "dynamodb").create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
        pump = stream_pump(url, store, before)
        put(url, "a", "b")
        pump.drain()
        put(url, "c")  # Ctrl-C comes before the poller sees it
    assert before == ["a", "b"]
    after: list[str] = []
    with emulator.running() as url:  # the replay writes a, b and c again, in the same order
        pump = stream_pump(url, store, after)
        pump.drain()
        assert after == ["c"]
        put(url, "d")
        pump.drain()
    assert after == ["c", "d"]
    assert json.loads(store.read_text())  # the position is on disk


def s3_pump(url: str, store: Path, seen: list[str]) -> S3EventPump:
    queue = client(url, "sqs").get_queue_url(QueueName=QUEUE)["QueueUrl"]
    subscription = S3Subscription(
        "ThumbnailLike",
        queue,
        lambda event: seen.extend(r["s3"]["object"]["key"] for r in event["Records"]),
        source="ThumbnailLike/Uploads",
    )
    return S3EventPump(subscription, client(url, "sqs"), CheckpointStore(store))


def test_an_upload_before_a_restart_is_handled_after_it_and_old_ones_are_not_again(
    tmp_path: Path,
) -> None:
    emulator, store = Recorded(tmp_path), tmp_path / "event-sources.json"
    before: list[str] = []
    with emulator.running() as url:
        s3, sqs = client(url, "s3"), client(url, "sqs")
        s3.create_bucket(Bucket=BUCKET)
        queue = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {"QueueArn": arn["Attributes"]["QueueArn"], "Events": ["s3:ObjectCreated:*"]}
                ]
            },
        )
        pump = s3_pump(url, store, before)
        s3.put_object(Bucket=BUCKET, Key="one.jpg", Body=b"1")
        pump.drain()
        s3.put_object(Bucket=BUCKET, Key="two.jpg", Body=b"2")  # not handled before Ctrl-C
    assert before == ["one.jpg"]
    after: list[str] = []
    with emulator.running() as url:  # the replay uploads both again: the queue holds both
        pump = s3_pump(url, store, after)
        pump.drain()
        assert after == ["two.jpg"]
        assert pump.skipped_replays == 1
        client(url, "s3").put_object(Bucket=BUCKET, Key="one.jpg", Body=b"1")  # made anew
        pump.drain()
    assert after == ["two.jpg", "one.jpg"]


@pytest.mark.parametrize("content", ["", "{}"])
def test_a_missing_or_empty_checkpoint_file_starts_from_the_mappings_position(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "event-sources.json"
    if content:
        path.write_text(content)
    store = CheckpointStore(path)
    assert store.get("anything") is None
    store.put("RestartFunction/Changes/shard", "42")
    assert CheckpointStore(path).get("RestartFunction/Changes/shard") == "42"
