"""Every recorded subscribers-stream event in events/dynamodb goes through the real mail handler."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import boto3
import pytest

from app.devstack.emulators.outbox import read_outbox
from tests.conftest import EVENTS, LocalAws
from tests.gateways import LambdaContext

EVENT_FILES = sorted((EVENTS / "dynamodb").glob("subscriber_*.json"))
# What each recorded state calls for, once however often it is delivered.
EMAILS_SENT = {
    "subscriber_insert": "Confirm your subscription to MyBlog.com",
    "subscriber_modify": "Welcome to MyBlog.com",
    "subscriber_suppressed": None,  # the template's filter drops it; a stray one sends nothing
    "subscriber_remove": None,  # a TTL delete of an unconfirmed request: nothing to send
}


@pytest.fixture(scope="module")
def mail_module(local_aws: LocalAws) -> ModuleType:
    """The handler as SubscriberMailFunction's workers import it."""
    environment = local_aws.environment("SubscriberMailFunction")
    return local_aws.import_handler("app.handlers.subscriber_mail", environment)


def test_every_event_file_has_an_expectation() -> None:
    assert {path.stem for path in EVENT_FILES} == set(EMAILS_SENT)


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_recorded_stream_event(mail_module: ModuleType, local_aws: LocalAws, path: Path) -> None:
    event = json.loads(path.read_text())
    record = event["Records"][0]["dynamodb"]
    address = record["Keys"]["email"]["S"]
    table = local_aws.outputs["SubscribersTableName"]
    dynamodb = boto3.client("dynamodb", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    dynamodb.delete_item(TableName=table, Key={"email": {"S": address}})
    if "NewImage" in record:  # the table holds what the record says it does
        dynamodb.put_item(TableName=table, Item=record["NewImage"])
    before = [m for m in read_outbox(local_aws.endpoint) if address in m.recipients]
    for _ in range(2):  # delivered twice: still at most one email
        response = mail_module.handler(event, LambdaContext("SubscriberMailFunction"))
        assert response == {"batchItemFailures": []}
    sent = [m for m in read_outbox(local_aws.endpoint) if address in m.recipients][len(before) :]
    expected = EMAILS_SENT[path.stem]
    assert [m.subject for m in sent] == ([expected] if expected else [])
