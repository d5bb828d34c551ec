"""Warm baselines, no framework: a bare JSON handler, and one making the same DynamoDB query."""

from __future__ import annotations

import json
import os
from typing import Any

import botocore.session

_client: Any = botocore.session.get_session().create_client(
    "dynamodb",
    region_name=os.environ.get("AWS_REGION", "us-east-1"),
    endpoint_url=os.environ.get("AWS_ENDPOINT_URL"),
)


def health(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The least a handler can do: answer JSON."""
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": '{"status":"ok"}',
    }


def list_todos(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """GET /todos by hand: the same Query (newest first, limit+1) and JSON, no framework."""
    sub = event["requestContext"]["authorizer"]["claims"]["sub"]
    limit = int((event.get("queryStringParameters") or {}).get("limit", 50))
    result = _client.query(
        TableName=os.environ["TODOS_TABLE"],
        KeyConditionExpression="userId = :u",
        ExpressionAttributeValues={":u": {"S": sub}},
        ScanIndexForward=False,
        Limit=limit + 1,
    )
    items = [
        {k: next(iter(v.values())) for k, v in item.items()} for item in result["Items"][:limit]
    ]
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"items": items, "nextCursor": None}),
    }
