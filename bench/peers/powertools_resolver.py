"""Powertools' APIGatewayRestResolver with validation on (pydantic), and a boto3 client."""

from __future__ import annotations

import os
from typing import Annotated, Any

import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

_table = os.environ["TODOS_TABLE"]
_client = boto3.client("dynamodb", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
app = APIGatewayRestResolver(enable_validation=True)


class Todo(BaseModel):
    id: str
    title: str


class TodoList(BaseModel):
    items: list[Todo]
    nextCursor: str | None = None  # noqa: N815 - the wire name


@app.get("/todos")
def list_todos(limit: Annotated[int, Query(ge=1, le=100)] = 50) -> TodoList:
    sub = app.current_event.request_context.authorizer.claims["sub"]
    result = _client.query(
        TableName=_table,
        KeyConditionExpression="userId = :u",
        ExpressionAttributeValues={":u": {"S": sub}},
        ScanIndexForward=False,
        Limit=limit + 1,
    )
    items = [Todo(id=i["id"]["S"], title=i.get("title", {}).get("S", "")) for i in result["Items"]]
    return TodoList(items=items[:limit])


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
