"""S3 event sources read from a template, for a bucket in whichever emulator holds it.

A small template of its own: one bucket placed in a second emulator (as the user-files bucket is
in the IAM-enforcing one), two functions subscribed to it (SAM merges both into the bucket's one
notification configuration), their async settings written both ways SAM allows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from app.devstack.emulators.process import Emulator
from app.devstack.ports import free_port
from app.devstack.provisioning.model import AsyncInvokeConfig, Provisioned
from app.devstack.provisioning.provision import Provisioner

TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Files": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "placed-files"}},
        "Failures": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "failures"}},
        "Meter": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Handler": "meter.handler",
                "CodeUri": "src/",
                "Policies": [
                    {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "s3:DeleteObjectVersion",
                                "Resource": "arn:aws:s3:::placed-files/private/*",
                            }
                        ]
                    },
                    "AWSLambdaBasicExecutionRole",
                ],
                "EventInvokeConfig": {
                    "MaximumRetryAttempts": 1,
                    "DestinationConfig": {
                        "OnFailure": {
                            "Type": "SQS",
                            "Destination": {"Fn::GetAtt": ["Failures", "Arn"]},
                        }
                    },
                },
                "Events": {
                    "Changed": {
                        "Type": "S3",
                        "Properties": {
                            "Bucket": {"Ref": "Files"},
                            "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                            "Filter": {
                                "S3Key": {"Rules": [{"Name": "prefix", "Value": "private/"}]}
                            },
                        },
                    }
                },
            },
        },
        "Thumbs": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Handler": "thumbs.handler",
                "CodeUri": "src/",
                "Events": {
                    "Uploaded": {
                        "Type": "S3",
                        "Properties": {"Bucket": {"Ref": "Files"}, "Events": "s3:ObjectCreated:*"},
                    }
                },
            },
        },
        "ThumbsAsync": {
            "Type": "AWS::Lambda::EventInvokeConfig",
            "Properties": {
                "FunctionName": {"Ref": "Thumbs"},
                "Qualifier": "$LATEST",
                "MaximumRetryAttempts": 0,
            },
        },
    }
}


@pytest.fixture(scope="module")
def emulators() -> Iterator[tuple[str, str]]:
    main, other = (
        Emulator(free_port()),
        Emulator(free_port(), server_module="app.devstack.emulators.enforcing"),
    )
    with main, other:
        yield main.url, other.url


@pytest.fixture(scope="module")
def provisioned(emulators: tuple[str, str]) -> Provisioned:
    main, other = emulators
    return Provisioner(TEMPLATE, main, "us-east-1", "events", placement={"Files": other}).provision(
        {}, progress=lambda _m: None
    )


def client(url: str, service: str) -> Any:
    return boto3.session.Session(region_name="us-east-1").client(service, endpoint_url=url)  # type: ignore[call-overload]


def test_each_functions_queue_lives_beside_the_bucket_and_hears_its_events(
    emulators: tuple[str, str], provisioned: Provisioned
) -> None:
    main, other = emulators
    sources = {s.function: s for s in provisioned.s3_sources}
    assert {s.endpoint for s in sources.values()} == {other}
    assert {s.bucket for s in sources.values()} == {"Files"}
    s3, sqs = client(other, "s3"), client(other, "sqs")
    s3.put_object(Bucket="placed-files", Key="private/a/x", Body=b"1")
    s3.put_object(Bucket="placed-files", Key="public/y", Body=b"2")
    heard = {}
    for function, source in sources.items():
        keys = []
        while messages := sqs.receive_message(
            QueueUrl=source.queue_url, MaxNumberOfMessages=10
        ).get("Messages", []):
            for message in messages:
                keys += [r["s3"]["object"]["key"] for r in _records(message)]
                sqs.delete_message(
                    QueueUrl=source.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
        heard[function] = sorted(keys)
    # Both subscriptions survive on the one bucket (the second did not replace the first).
    assert heard == {"Meter": ["private%2Fa%2Fx"], "Thumbs": ["private%2Fa%2Fx", "public%2Fy"]}
    assert "Queues" not in client(main, "sqs").list_queues(QueueNamePrefix="events-")


def test_async_invoke_settings_come_from_the_function_or_a_resource_of_its_own(
    provisioned: Provisioned,
) -> None:
    failures = provisioned.attributes[("Failures", "Arn")]
    assert provisioned.functions["Meter"].async_invoke == AsyncInvokeConfig(1, failures)
    assert provisioned.functions["Thumbs"].async_invoke == AsyncInvokeConfig(0, None)
    # Only inline policy documents are a function's own grants (managed names are not).
    (policy,) = provisioned.functions["Meter"].policies
    assert policy["Statement"][0]["Action"] == "s3:DeleteObjectVersion"


def _records(message: dict[str, Any]) -> list[dict[str, Any]]:
    body = json.loads(message["Body"])
    records: list[dict[str, Any]] = body.get("Records", []) if isinstance(body, dict) else []
    return records
