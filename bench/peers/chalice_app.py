"""Chalice with a boto3 client (Chalice deploys only its `chalice/app.py` runtime beside it)."""

from __future__ import annotations

import os
from typing import Any

import boto3
from chalice import Chalice

_table = os.environ["TODOS_TABLE"]
_client = boto3.client("dynamodb", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
app = Chalice(app_name="peer")


@app.route("/todos")  # type: ignore[untyped-decorator]  # chalice: not in the dev venv
def list_todos() -> dict[str, Any]:
    request = app.current_request
    sub = request.context["authorizer"]["claims"]["sub"]
    limit = int((request.query_params or {}).get("limit", 50))
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
    return {"items": items[:limit], "nextCursor": None}


handler = app
