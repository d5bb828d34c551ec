"""No framework: a handler, a boto3 client, `json.dumps`."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

_table = os.environ["TODOS_TABLE"]
_client = boto3.client("dynamodb", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    sub = event["requestContext"]["authorizer"]["claims"]["sub"]
    limit = int((event.get("queryStringParameters") or {}).get("limit", 50))
    result = _client.query(
        TableName=_table,
        KeyConditionExpression="userId = :u",
        ExpressionAttributeValues={":u": {"S": sub}},
        ScanIndexForward=False,
        Limit=limit + 1,
    )
    items = [
        {"id": i["id"]["S"], "title": i.get("title", {}).get("S", "")} for i in result["Items"]
    ]
    body = json.dumps({"items": items[:limit], "nextCursor": None})
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": body}
