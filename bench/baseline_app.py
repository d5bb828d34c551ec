"""Cold-start baseline: plain FastAPI + Mangum, the same routes, no AWS libraries (in-memory)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI, Request, Response
from mangum import Mangum
from pydantic import BaseModel

app = FastAPI(title="baseline")
_todos: dict[str, dict[str, dict[str, Any]]] = {}


class TodoIn(BaseModel):
    title: str
    notes: str = ""
    done: bool = False


def _user(request: Request) -> str:
    claims = request.scope["aws.event"]["requestContext"].get("authorizer", {}).get("claims", {})
    return str(claims.get("sub", "anonymous"))


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/todos")
def list_todos(request: Request, limit: int = 50) -> dict[str, Any]:
    items = list(_todos.get(_user(request), {}).values())[:limit]
    return {"items": items, "nextCursor": None}


@app.post("/todos", status_code=201)
def create_todo(request: Request, body: TodoIn) -> dict[str, Any]:
    todo = {"id": uuid.uuid4().hex, **body.model_dump(), "version": 1}
    _todos.setdefault(_user(request), {})[todo["id"]] = todo
    return todo


@app.get("/todos/{todo_id}")
def get_todo(request: Request, todo_id: str) -> dict[str, Any]:
    return _todos[_user(request)][todo_id]


@app.patch("/todos/{todo_id}")
def update_todo(request: Request, todo_id: str, body: dict[str, Any]) -> dict[str, Any]:
    _todos[_user(request)][todo_id].update(body)
    return _todos[_user(request)][todo_id]


@app.delete("/todos/{todo_id}", status_code=204)
def delete_todo(request: Request, todo_id: str) -> Response:
    _todos[_user(request)].pop(todo_id, None)
    return Response(status_code=204)


handler = Mangum(app, lifespan="off")
