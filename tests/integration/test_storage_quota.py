"""The storage quota through the running local stack, against the IAM-enforcing emulator.

Users write their folder directly with identity-pool credentials (never through the API); the
bucket's events reach the storage meter's workers through the S3 pump; `GET /me/storage` through
the local API Gateway reports what the meter recorded. The session stack's quota is 1 MiB.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError

from app.devstack.event_sources.s3_notifications import S3EventPump, lambda_s3_record
from tests.clients import user_files
from tests.conftest import EVENTS, TEST_QUOTA_BYTES, LocalAws, SignedIn

KiB = 1024


@dataclass(frozen=True)
class Folder:
    """A signed-in user with an S3 client on their own folder."""

    user: SignedIn
    prefix: str
    s3: Any
    bucket: str

    def put(self, name: str, size: int) -> str:
        key = self.prefix + name
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"x" * size)
        return key

    def names(self) -> set[str]:
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix)
        return {o["Key"].removeprefix(self.prefix) for o in listed.get("Contents", [])}


@pytest.fixture
def new_folder(sign_up: Callable[[], SignedIn], local_aws: LocalAws) -> Callable[[], Folder]:
    outputs = {**local_aws.outputs, "CognitoIdentityEndpoint": local_aws.identity_url}

    def make() -> Folder:
        user = sign_up()
        identity_id, s3 = user_files(outputs, user.id_token)
        return Folder(user, f"private/{identity_id}/", s3, outputs["UserFilesBucketName"])

    return make


@pytest.fixture(scope="module")
def admin_s3(local_aws: LocalAws) -> Any:
    """The bucket as its owner sees it (every version), for checking what the meter deleted."""
    return local_aws.stack.user_files.admin_client("s3")


def storage(client: httpx.Client, folder: Folder) -> dict[str, Any]:
    """GET /me/storage through the gateway; `fresh` skips the stage cache's earlier answer."""
    response = client.get(
        "/me/storage", headers=folder.user.headers, params={"fresh": secrets.token_hex(8)}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def versions(admin_s3: Any, folder: Folder, name: str) -> list[dict[str, Any]]:
    listed = admin_s3.list_object_versions(Bucket=folder.bucket, Prefix=folder.prefix + name)
    return [v for v in listed.get("Versions", []) if v["Key"] == folder.prefix + name]


def test_usage_follows_direct_writes_overwrites_and_deletes(
    client: httpx.Client, new_folder: Callable[[], Folder], storage_events: S3EventPump
) -> None:
    alice = new_folder()
    assert storage(client, alice)["usedBytes"] == 0
    alice.put("a.bin", 300 * KiB)
    alice.put("b.bin", 200 * KiB)
    storage_events.drain()
    report = storage(client, alice)
    assert (report["usedBytes"], report["objects"]) == (500 * KiB, 2)
    assert report["quotaBytes"] == TEST_QUOTA_BYTES
    alice.put("a.bin", 100 * KiB)  # overwrite: 300 -> 100
    storage_events.drain()
    assert storage(client, alice)["usedBytes"] == 300 * KiB
    alice.s3.delete_object(Bucket=alice.bucket, Key=alice.prefix + "b.bin")
    storage_events.drain()
    report = storage(client, alice)
    assert (report["usedBytes"], report["objects"]) == (100 * KiB, 1)
    assert report["lastRejectedWrite"] is None


def test_a_write_over_the_quota_is_removed_for_good_and_reported(
    client: httpx.Client,
    new_folder: Callable[[], Folder],
    storage_events: S3EventPump,
    admin_s3: Any,
) -> None:
    alice, bob = new_folder(), new_folder()
    alice.put("kept.bin", 700 * KiB)
    bob.put("kept.bin", 900 * KiB)  # another folder: its own quota
    storage_events.drain()
    over = alice.put("over.bin", 400 * KiB)  # 1100 KiB > 1024 KiB
    storage_events.drain()
    assert alice.names() == {"kept.bin"}
    assert versions(admin_s3, alice, "over.bin") == []  # no version left behind either
    report = storage(client, alice)
    assert report["usedBytes"] == 700 * KiB
    rejected = report["lastRejectedWrite"]
    assert (rejected["key"], rejected["bytes"]) == (over, 400 * KiB)
    assert storage(client, bob)["usedBytes"] == 900 * KiB  # untouched
    assert storage(client, bob)["lastRejectedWrite"] is None
    assert bob.names() == {"kept.bin"}


def test_an_overwrite_over_the_quota_leaves_the_previous_content(
    client: httpx.Client, new_folder: Callable[[], Folder], storage_events: S3EventPump
) -> None:
    alice = new_folder()
    alice.put("doc.bin", 600 * KiB)
    storage_events.drain()
    alice.put("doc.bin", 1100 * KiB)
    storage_events.drain()
    body = alice.s3.get_object(Bucket=alice.bucket, Key=alice.prefix + "doc.bin")["Body"]
    assert len(body.read()) == 600 * KiB  # S3 made the previous version current again
    assert storage(client, alice)["usedBytes"] == 600 * KiB


def test_multipart_and_copy_are_metered_like_any_write(
    client: httpx.Client, new_folder: Callable[[], Folder], storage_events: S3EventPump
) -> None:
    alice = new_folder()
    key = alice.prefix + "big.bin"
    upload = alice.s3.create_multipart_upload(Bucket=alice.bucket, Key=key)["UploadId"]
    part = alice.s3.upload_part(
        Bucket=alice.bucket, Key=key, UploadId=upload, PartNumber=1, Body=b"m" * (300 * KiB)
    )
    alice.s3.complete_multipart_upload(
        Bucket=alice.bucket,
        Key=key,
        UploadId=upload,
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
    )
    alice.s3.copy_object(
        Bucket=alice.bucket,
        Key=alice.prefix + "copy.bin",
        CopySource={"Bucket": alice.bucket, "Key": key},
    )
    storage_events.drain()
    report = storage(client, alice)
    assert (report["usedBytes"], report["objects"]) == (600 * KiB, 2)


def test_the_longest_key_s3_allows_is_metered(
    client: httpx.Client, new_folder: Callable[[], Folder], storage_events: S3EventPump
) -> None:
    """S3 keys may be 1,024 bytes; a DynamoDB sort key no more: the meter's is a digest."""
    alice = new_folder()
    name = "n" * (1024 - len(alice.prefix.encode()))
    alice.put(name, 10 * KiB)
    storage_events.drain()
    assert storage(client, alice)["usedBytes"] == 10 * KiB


def test_a_redelivered_event_changes_nothing(
    client: httpx.Client,
    local_aws: LocalAws,
    new_folder: Callable[[], Folder],
    storage_events: S3EventPump,
) -> None:
    alice = new_folder()
    sqs = local_aws.stack.user_files.admin_client("sqs")
    queue = storage_events.subscription.queue_url
    storage_events.drain()  # nobody else's events in the way
    alice.put("once.bin", 100 * KiB)
    (message,) = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=0)["Messages"]
    storage_events.drain()
    assert storage(client, alice)["usedBytes"] == 100 * KiB
    before = local_aws.invocations()["StorageMeterFunction"]
    sqs.send_message(QueueUrl=queue, MessageBody=message["Body"])  # S3 delivers at least once
    storage_events.drain()
    assert local_aws.invocations()["StorageMeterFunction"] == before + 1
    (record,) = json.loads(message["Body"])["Records"]
    again = storage_events.subscription.handler({"Records": [lambda_s3_record(record)]})
    assert again == {"outcomes": {"unchanged": 1}}
    report = storage(client, alice)
    assert (report["usedBytes"], report["objects"]) == (100 * KiB, 1)


def test_old_versions_are_kept_only_within_the_allowance(
    new_folder: Callable[[], Folder], storage_events: S3EventPump, admin_s3: Any
) -> None:
    """Overwrites keep old versions for recovery, but never more retained bytes than the quota:
    an overwrite loop cannot store without bound."""
    alice = new_folder()
    for _ in range(4):
        alice.put("loop.bin", 400 * KiB)
        storage_events.drain()
    kept = versions(admin_s3, alice, "loop.bin")
    assert len(kept) == 3  # current + 800 KiB retained; the oldest was deleted
    assert sum(v["Size"] for v in kept if not v["IsLatest"]) <= TEST_QUOTA_BYTES


def test_the_meter_holds_only_its_template_permissions(
    local_aws: LocalAws, new_folder: Callable[[], Folder]
) -> None:
    """The meter's workers sign with a user holding exactly its template policies: the
    enforcing emulator lets it delete versions in users' folders and nothing else."""
    alice = new_folder()
    key = alice.put("private-note.txt", 10)
    access_key, secret = local_aws.stack.user_files.function_keys["StorageMeterFunction"]
    meter_s3 = boto3.client(
        "s3",
        endpoint_url=local_aws.stack.user_files.url,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
    )
    environment = local_aws.environment("StorageMeterFunction")
    assert environment["AWS_ACCESS_KEY_ID"] == access_key
    assert environment["AWS_ENDPOINT_URL_S3"] == local_aws.stack.user_files.url
    for call in (
        lambda: meter_s3.get_object(Bucket=alice.bucket, Key=key),
        lambda: meter_s3.put_object(Bucket=alice.bucket, Key=key, Body=b"x"),
        lambda: meter_s3.delete_object(Bucket=alice.bucket, Key="outside/x", VersionId="v"),
        lambda: meter_s3.list_objects_v2(Bucket=alice.bucket, Prefix=alice.prefix),
    ):
        with pytest.raises(ClientError) as denied:
            call()
        assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_an_event_that_keeps_failing_is_kept_for_an_operator_and_replays_once(
    client: httpx.Client,
    local_aws: LocalAws,
    new_folder: Callable[[], Folder],
    storage_events: S3EventPump,
) -> None:
    """Lambda retries a failed asynchronous invocation twice, then sends it to the on-failure
    queue; re-sending the payload to the meter later applies it (once)."""
    storage_events.drain()
    alice = new_folder()

    def meter_with_its_table_down(_event: dict[str, Any]) -> Any:
        raise RuntimeError("StorageUnavailable")

    failing_meter = S3EventPump(
        dataclasses.replace(storage_events.subscription, handler=meter_with_its_table_down),
        local_aws.stack.user_files.admin_client("sqs"),
        failures_sqs=local_aws.stack.client("sqs"),
    )
    alice.put("late.bin", 200 * KiB)
    failing_meter.drain()
    assert failing_meter.sent_to_failure_destination == 1
    assert storage(client, alice)["usedBytes"] == 0
    sqs = local_aws.stack.client("sqs")
    queue = local_aws.outputs["StorageMeterFailuresQueueUrl"]
    (message,) = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    failure = json.loads(message["Body"])
    assert failure["requestContext"]["condition"] == "RetriesExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 3
    for _ in range(2):  # an operator re-sends it (twice, by mistake)
        storage_events.subscription.handler(failure["requestPayload"])
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    assert storage(client, alice)["usedBytes"] == 200 * KiB


def test_recorded_events_of_one_key_through_the_meter(
    storage_events: S3EventPump, local_aws: LocalAws
) -> None:
    """events/s3/user_file_*: written, written again (redelivered), deleted, expired."""
    meter = storage_events.subscription.handler  # the function, in its workers
    event = {name: json.loads((EVENTS / "s3" / f"user_file_{name}.json").read_text())
             for name in ("created", "delete_marker", "version_expired")}  # fmt: skip
    assert meter(event["created"]) == {"outcomes": {"applied": 1}}
    assert meter(event["created"]) == {"outcomes": {"unchanged": 1}}
    assert meter(event["delete_marker"]) == {"outcomes": {"applied": 1}}
    assert meter(event["version_expired"]) == {"outcomes": {"applied": 1}}
    assert meter(
        {"Records": [{**event["created"]["Records"][0], "s3": {"object": {"key": "x"}}}]}
    ) == {"outcomes": {"ignored": 1}}
    (record,) = event["created"]["Records"]
    identity_id = unquote_plus(record["s3"]["object"]["key"]).split("/")[1]
    table = local_aws.provisioned.refs["StorageUsageTable"]
    dynamodb = boto3.client("dynamodb", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    totals = dynamodb.get_item(
        TableName=table, Key={"identityId": {"S": identity_id}, "entry": {"S": "#usage"}}
    )["Item"]
    assert [totals[name]["N"] for name in ("bytes", "objects", "retainedBytes")] == ["0"] * 3
