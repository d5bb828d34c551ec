"""The to-dos service: each caller reads and writes only their own to-dos."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.api.deps import CACHED_READ, CurrentUser, TodosDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.etags import IfMatch, IfNoneMatch, etag_for, if_none_match_hits, versions_from_if_match
from app.api.routing import JsonBodyRoute
from app.api.schemas.todos import TodoCreate, TodoList, TodoOut, TodoPatch
from app.domain.errors import VersionConflict
from app.domain.todos import (
    LIST_LIMIT_DEFAULT,
    LIST_LIMIT_MAX,
    NewTodo,
    TodoChanges,
    TodoService,
)

# Sync `def` routes on purpose: PynamoDB blocks, and a threadpool hop is correct under any ASGI
# server (uvicorn locally); under Mangum it costs ~0.7 ms, small beside a DynamoDB round trip.
router = APIRouter(prefix="/todos", tags=["todos"], route_class=JsonBodyRoute)

PRIVATE = "private, no-cache"


def _expected_version(
    service: TodoService, owner_id: str, todo_id: str, if_match: str | None
) -> int | None:
    versions = versions_from_if_match(if_match)
    if versions is None:
        return None
    if len(versions) == 1:
        return next(iter(versions))
    current = service.get(owner_id, todo_id).version
    if current not in versions:
        raise VersionConflict(todo_id)
    return current


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TodoOut,
    operation_id="createTodo",
    summary="Create a to-do",
    responses={k: PROBLEM_RESPONSES[k] for k in (400, 401, 413, 422, 503)},
)
def create_todo(
    body: TodoCreate, user: CurrentUser, todos: TodosDep, request: Request, response: Response
) -> TodoOut:
    """Create a to-do for the caller; `Location` and `ETag` come back with it."""
    todo = todos.create(
        user.user_id,
        NewTodo(title=body.title, notes=body.notes, done=body.done, due_date=body.due_date),
    )
    response.headers["Location"] = str(request.url_for("getTodo", todo_id=todo.id))
    response.headers["ETag"] = etag_for(todo.version)
    response.headers["Cache-Control"] = "no-store"
    return TodoOut.of(todo)


@router.get(
    "",
    response_model=TodoList,
    operation_id="listTodos",
    dependencies=CACHED_READ,
    summary="List my to-dos, newest first",
    responses={k: PROBLEM_RESPONSES[k] for k in (400, 401, 422, 503)},
)
def list_todos(
    user: CurrentUser,
    todos: TodosDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=LIST_LIMIT_MAX)] = LIST_LIMIT_DEFAULT,
    cursor: Annotated[
        str | None, Query(max_length=1024, description="`nextCursor` of the previous page.")
    ] = None,
    done: Annotated[bool | None, Query(description="Only done (true) or open (false).")] = None,
) -> TodoList:
    """One page of the caller's to-dos; follow `nextCursor` for the next."""
    page = todos.list(user.user_id, limit=limit, cursor=cursor, done=done)
    response.headers["Cache-Control"] = PRIVATE
    return TodoList(items=[TodoOut.of(t) for t in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{todo_id}",
    response_model=TodoOut,
    operation_id="getTodo",
    dependencies=CACHED_READ,
    name="getTodo",
    summary="Get one of my to-dos",
    responses={
        304: {"description": "Not modified (If-None-Match)."},
        **{k: PROBLEM_RESPONSES[k] for k in (400, 401, 404, 503)},
    },
)
def get_todo(
    todo_id: str,
    user: CurrentUser,
    todos: TodosDep,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> TodoOut | Response:
    """The caller's to-do; another user's is a 404 like a missing one."""
    todo = todos.get(user.user_id, todo_id)
    etag = etag_for(todo.version)
    headers = {"ETag": etag, "Cache-Control": PRIVATE}
    if if_none_match_hits(if_none_match, etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    response.headers.update(headers)
    return TodoOut.of(todo)


@router.patch(
    "/{todo_id}",
    response_model=TodoOut,
    operation_id="updateTodo",
    summary="Change some fields of my to-do",
    responses={k: PROBLEM_RESPONSES[k] for k in (400, 401, 404, 412, 413, 422, 503)},
)
def update_todo(
    todo_id: str,
    body: TodoPatch,
    user: CurrentUser,
    todos: TodosDep,
    response: Response,
    if_match: IfMatch = None,
) -> TodoOut:
    """Partial update; with `If-Match` it applies only to the version you read."""
    fields = frozenset(body.model_fields_set)
    changes = TodoChanges(
        title=body.title, notes=body.notes, done=body.done, due_date=body.due_date, fields=fields
    )
    expected = _expected_version(todos, user.user_id, todo_id, if_match)
    todo = todos.update(user.user_id, todo_id, changes, expected_version=expected)
    response.headers["ETag"] = etag_for(todo.version)
    response.headers["Cache-Control"] = "no-store"
    return TodoOut.of(todo)


@router.delete(
    "/{todo_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deleteTodo",
    summary="Delete my to-do",
    responses={k: PROBLEM_RESPONSES[k] for k in (400, 401, 404, 412, 503)},
)
def delete_todo(
    todo_id: str, user: CurrentUser, todos: TodosDep, if_match: IfMatch = None
) -> Response:
    """Delete; with `If-Match` only the version you read."""
    expected = _expected_version(todos, user.user_id, todo_id, if_match)
    todos.delete(user.user_id, todo_id, expected_version=expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
