"""Every recorded DynamoDB stream event in events/dynamodb goes through the real welcome handler."""

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
SUBSCRIBED_AT = "2026-11-24T09:00:00.000000+0000"
EMAILS_SENT = {"subscriber_insert": 1, "subscriber_modify": 0, "subscriber_remove": 0}


@pytest.fixture(scope="module")
def welcome_module(local_aws: LocalAws) -> ModuleType:
    """The welcome handler as WelcomeEmailFunction's workers import it."""
    environment = local_aws.environment("WelcomeEmailFunction")
    return local_aws.import_handler("app.handlers.welcome_email", environment)


def test_every_event_file_has_an_expectation() -> None:
    assert {path.stem for path in EVENT_FILES} == set(EMAILS_SENT)


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_recorded_stream_event(welcome_module: ModuleType, local_aws: LocalAws, path: Path) -> None:
    event = json.loads(path.read_text())
    address = event["Records"][0]["dynamodb"]["Keys"]["email"]["S"]
    table = local_aws.outputs["SubscribersTableName"]
    dynamodb = boto3.client("dynamodb", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    dynamodb.delete_item(TableName=table, Key={"email": {"S": address}})
    dynamodb.put_item(
        TableName=table,
        Item={
            "email": {"S": address},
            "status": {"S": "active"},
            "subscribedAt": {"S": SUBSCRIBED_AT},
        },
    )
    before = len([m for m in read_outbox(local_aws.endpoint) if address in m.recipients])
    for _ in range(2):  # delivered twice: still at most one email
        response = welcome_module.handler(event, LambdaContext("WelcomeEmailFunction"))
        assert response == {"batchItemFailures": []}
    after = len([m for m in read_outbox(local_aws.endpoint) if address in m.recipients])
    assert after - before == EMAILS_SENT[path.stem]
