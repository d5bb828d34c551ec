"""FastAPI + `Mangum(app)` + PynamoDB, as a tutorial would write it: no lazy imports, defaults."""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, Request
from mangum import Mangum
from pydantic import BaseModel
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model


class TodoModel(Model):
    class Meta:
        table_name = os.environ["TODOS_TABLE"]
        region = os.environ.get("AWS_REGION", "us-east-1")
        host = os.environ.get("AWS_ENDPOINT_URL")

    user_id = UnicodeAttribute(hash_key=True, attr_name="userId")
    id = UnicodeAttribute(range_key=True)
    title = UnicodeAttribute(default="")


class Todo(BaseModel):
    id: str
    title: str


class TodoList(BaseModel):
    items: list[Todo]
    nextCursor: str | None = None  # noqa: N815 - the wire name


app = FastAPI()


@app.get("/todos", response_model=TodoList)
def list_todos(request: Request, limit: int = 50) -> Any:
    sub = request.scope["aws.event"]["requestContext"]["authorizer"]["claims"]["sub"]
    rows = TodoModel.query(sub, scan_index_forward=False, limit=limit + 1)
    items = [Todo(id=row.id, title=row.title) for row in rows][:limit]
    return TodoList(items=items)


handler = Mangum(app)
