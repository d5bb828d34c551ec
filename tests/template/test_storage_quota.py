"""The storage quota in the template: the meter's event, its least privilege, its bounds."""

from __future__ import annotations

import json
from typing import Any

from tests.template.test_template import resolved
from tests.templates import translate

MiB = 1024 * 1024


def meter(template: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = template["Resources"]["StorageMeterFunction"]["Properties"]
    return properties


def test_the_meter_hears_every_write_and_deletion_in_the_users_folders(
    template: dict[str, Any],
) -> None:
    (event,) = meter(template)["Events"].values()
    assert event["Type"] == "S3"
    assert event["Properties"]["Bucket"] == {"Ref": "UserFilesBucket"}
    assert set(event["Properties"]["Events"]) == {
        "s3:ObjectCreated:*",
        "s3:ObjectRemoved:*",
        "s3:LifecycleExpiration:*",
    }
    assert event["Properties"]["Filter"]["S3Key"]["Rules"] == [
        {"Name": "prefix", "Value": "private/"}
    ]


def test_the_meter_names_the_bucket_by_its_fixed_name_not_a_reference(
    template: dict[str, Any],
) -> None:
    """A !Ref to the bucket from the function would be a cycle through the bucket's notification."""
    function = meter(template)
    assert "UserFilesBucket" not in json.dumps(function["Policies"])
    assert "UserFilesBucket" not in json.dumps(function["Environment"])
    bucket_name = template["Resources"]["UserFilesBucket"]["Properties"]["BucketName"]
    environment = resolved(template, function["Environment"]["Variables"])
    assert environment["USER_FILES_BUCKET"] == resolved(template, bucket_name)


def test_the_meter_holds_exactly_what_it_needs(template: dict[str, Any]) -> None:
    (policy,) = resolved(template, meter(template)["Policies"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert statements.pop("KeepUsage") == {
        "Sid": "KeepUsage",
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
        "Resource": "arn:StorageUsageTable",
    }
    assert statements.pop("DeleteVersionsOverQuota") == {
        "Sid": "DeleteVersionsOverQuota",
        "Effect": "Allow",
        "Action": "s3:DeleteObjectVersion",
        "Resource": "arn:aws:s3:::serverless-reference-dev-user-files-123456789012/private/*",
    }
    assert statements.pop("ReportFailures") == {
        "Sid": "ReportFailures",
        "Effect": "Allow",
        "Action": "sqs:SendMessage",
        "Resource": "arn:StorageMeterFailuresQueue",
    }
    assert statements == {}


def test_a_failed_event_is_retried_then_kept_for_an_operator(template: dict[str, Any]) -> None:
    config = meter(template)["EventInvokeConfig"]
    assert config["MaximumRetryAttempts"] == 2
    assert config["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["StorageMeterFailuresQueue", "Arn"]},
    }
    queue = template["Resources"]["StorageMeterFailuresQueue"]
    assert queue["Metadata"]["Service"] == "storage"
    assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    # SAM deploys it as an EventInvokeConfig on the alias S3 invokes (Globals' AutoPublishAlias).
    translated = translate(template)["Resources"]["StorageMeterFunctionEventInvokeConfig"]
    assert translated["Properties"]["Qualifier"] == "live"


def test_the_quota_is_a_bounded_parameter_both_functions_read(template: dict[str, Any]) -> None:
    parameter = template["Parameters"]["StorageQuotaBytes"]
    assert parameter["Type"] == "Number"
    assert parameter["Default"] == 100 * MiB
    assert parameter["MinValue"] <= parameter["Default"] <= parameter["MaxValue"]
    assert parameter["MinValue"] >= MiB
    for function in ("StorageFunction", "StorageMeterFunction"):
        variables = template["Resources"][function]["Properties"]["Environment"]["Variables"]
        assert variables["STORAGE_QUOTA_BYTES"] == {"Ref": "StorageQuotaBytes"}
        assert variables["STORAGE_USAGE_TABLE"] == {"Ref": "StorageUsageTable"}


def test_the_usage_table_is_the_storage_services_on_demand_and_recoverable(
    template: dict[str, Any],
) -> None:
    table = template["Resources"]["StorageUsageTable"]
    assert table["Metadata"]["Service"] == "storage"
    assert table["DeletionPolicy"] == "Retain"
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert [k["AttributeName"] for k in properties["KeySchema"]] == ["identityId", "entry"]


def test_what_the_meter_cannot_see_is_bounded_by_lifecycle(template: dict[str, Any]) -> None:
    """Unfinished multipart uploads send no event: the bucket aborts them after a day."""
    bucket = template["Resources"]["UserFilesBucket"]["Properties"]
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] <= 30


def test_users_cannot_touch_versions_the_meter_deletes_or_keeps(template: dict[str, Any]) -> None:
    """Only the meter deletes versions for good; users cannot read or restore old ones."""
    role = template["Resources"]["UserFilesAuthenticatedRole"]["Properties"]
    actions = json.dumps(role["Policies"])
    assert "Version" not in actions.replace('"Version": "2012-10-17"', "")
    assert "s3:*" not in actions
