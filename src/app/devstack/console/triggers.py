"""What triggered an invocation, read from its event, in a few words for the console.

Each AWS event source sends its own shape (Lambda developer guide, "Invoking Lambda with events
from other AWS services"): DynamoDB stream and S3 and SNS records under `Records` with their
`eventSource` (SNS spells it `EventSource`), Secrets Manager's rotation steps as `SecretId`,
`ClientRequestToken` and `Step`, EventBridge schedules with `source` "aws.events", Cognito
triggers with `triggerSource`, CodeDeploy hooks with `DeploymentId`. An API Gateway proxy event
is the gateway's to tell (one line per request, with its status).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus

from app.devstack.console.lines import plural

KEY_WIDTH = 48  # an object key longer than this is shortened in the middle


def is_api_request(event: Any) -> bool:
    """An API Gateway (REST) proxy event: the gateway prints the request's line."""
    return isinstance(event, dict) and "httpMethod" in event and "requestContext" in event


def describe(event: Any, names: Mapping[str, str] | None = None) -> str:
    """The trigger in a few words; `names` maps physical names and ARNs to logical ids."""
    names = names or {}
    if not isinstance(event, dict):
        return "direct invocation"
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], dict):
        return _records(records, names)
    if "SecretId" in event and "Step" in event:
        return f"rotation {event['Step']} of {_name(str(event['SecretId']), names)}"
    if event.get("source") == "aws.events":
        rule = str((event.get("resources") or ["a rule"])[0]).rpartition("/")[2]
        return f"schedule {rule}" if event.get("detail-type") == "Scheduled Event" else rule
    if "triggerSource" in event:
        return f"Cognito {event['triggerSource']}"
    if "DeploymentId" in event and "LifecycleEventHookExecutionId" in event:
        return "CodeDeploy lifecycle hook"
    return "direct invocation"


def _records(records: list[dict[str, Any]], names: Mapping[str, str]) -> str:
    first, count = records[0], len(records)
    source = first.get("eventSource") or first.get("EventSource")
    if source == "aws:dynamodb":
        arn = str(first.get("eventSourceARN", ""))
        table = arn.split("/")[1] if arn.count("/") >= 1 else arn
        return f"DynamoDB stream {_name(table, names)}, {plural(count, 'record')}"
    if source == "aws:s3":
        s3 = first.get("s3", {})
        bucket = _name(str(s3.get("bucket", {}).get("name", "")), names)
        key = _shorten(unquote_plus(str(s3.get("object", {}).get("key", ""))))
        more = f" and {count - 1} more" if count > 1 else ""
        return f"S3 {first.get('eventName')} {bucket}/{key}{more}"
    if source == "aws:sns":
        topic = _name(str(first.get("Sns", {}).get("TopicArn", "")), names)
        return f"SNS {topic}, {plural(count, 'message')}"
    if source == "aws:sqs":
        queue = str(first.get("eventSourceARN", "")).rpartition(":")[2]
        return f"SQS {_name(queue, names)}, {plural(count, 'message')}"
    return f"{plural(count, 'record')} from {source}"


def _name(physical: str, names: Mapping[str, str]) -> str:
    return names.get(physical, physical)


def _shorten(key: str) -> str:
    if len(key) <= KEY_WIDTH:
        return key
    half = (KEY_WIDTH - 1) // 2
    return f"{key[:half]}…{key[-half:]}"
