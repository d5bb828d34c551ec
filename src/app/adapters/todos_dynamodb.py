"""To-dos in DynamoDB through PynamoDB: partition = owner, sort = time-ordered id, GSI by status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DeleteError, PutError, PynamoDBException
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from app.domain.errors import InvalidCursor, StorageUnavailable, VersionConflict
from app.domain.todos import Page, PageRequest, Todo

_CONDITION_FAILED = "ConditionalCheckFailedException"
STATUS_INDEX = "ByStatus"


class TodoItem(Model):
    """Attribute layout shared by every table binding (see `bind_todo_model`)."""

    owner_id = UnicodeAttribute(hash_key=True, attr_name="userId")
    id = UnicodeAttribute(range_key=True)
    owner_status = UnicodeAttribute(attr_name="ownerStatus")
    title = UnicodeAttribute()
    notes = UnicodeAttribute(default="")
    done = BooleanAttribute(default=False)
    due_date = UnicodeAttribute(null=True, attr_name="dueDate")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt")
    version = NumberAttribute()


class _StatusIndex(GlobalSecondaryIndex["TodoItem"]):  # type: ignore[no-untyped-call]
    owner_status = UnicodeAttribute(hash_key=True, attr_name="ownerStatus")
    id = UnicodeAttribute(range_key=True)


def bind_todo_model(
    table_name: str, region: str, host: str | None = None
) -> tuple[type[TodoItem], _StatusIndex]:
    """Return a model class bound to one table, and its status index, built once per container."""

    class BoundStatusIndex(_StatusIndex):  # type: ignore[no-untyped-call]
        class Meta:
            index_name = STATUS_INDEX
            projection = AllProjection()

    class BoundTodoItem(TodoItem):
        class Meta:
            pass

        by_status = BoundStatusIndex()

    meta = BoundTodoItem.Meta
    meta.table_name = table_name  # type: ignore[attr-defined]
    meta.region = region  # type: ignore[attr-defined]
    meta.host = host  # type: ignore[attr-defined]
    meta.connect_timeout_seconds = 2  # type: ignore[attr-defined]
    meta.read_timeout_seconds = 5  # type: ignore[attr-defined]
    meta.max_retry_attempts = 3  # type: ignore[attr-defined]
    return BoundTodoItem, BoundTodoItem.by_status


def owner_status_key(owner_id: str, done: bool) -> str:
    """Partition key of the status index: one partition per owner and status."""
    return f"{owner_id}#{'done' if done else 'open'}"


class DynamoTodoRepository:
    """TodoRepository on DynamoDB; conditional writes carry the optimistic version check."""

    def __init__(self, model: type[TodoItem], status_index: _StatusIndex) -> None:
        self._model = model
        self._index = status_index

    def add(self, todo: Todo) -> None:
        """Insert; the id is new, so the write is conditional on its absence."""
        item = self._to_item(todo)
        with _translated():
            item.save(condition=self._model.id.does_not_exist())

    def get(self, owner_id: str, todo_id: str) -> Todo | None:
        """Strongly consistent read of one to-do."""
        with _translated():
            try:
                item = self._model.get(owner_id, todo_id, consistent_read=True)
            except self._model.DoesNotExist:
                return None
        return _to_todo(item)

    def list(self, owner_id: str, page: PageRequest) -> Page:
        """Query one partition newest first; one extra item tells whether a next page exists."""
        start = _start_key(owner_id, page)
        with _translated():
            if page.done is None:
                results = self._model.query(
                    owner_id,
                    scan_index_forward=False,
                    limit=page.limit + 1,
                    page_size=page.limit + 1,
                    last_evaluated_key=start,
                )
            else:
                results = self._index.query(
                    owner_status_key(owner_id, page.done),
                    scan_index_forward=False,
                    limit=page.limit + 1,
                    page_size=page.limit + 1,
                    last_evaluated_key=start,
                )
            items = [_to_todo(item) for item in results]
        more = len(items) > page.limit
        items = items[: page.limit]
        marker = _marker(items[-1], page.done) if more and items else None
        return Page(items=items, next_marker=marker)

    def replace(self, todo: Todo, *, expected_version: int) -> None:
        """Overwrite only if the stored version is still `expected_version`."""
        item = self._to_item(todo)
        try:
            with _translated():
                item.save(condition=self._model.version == expected_version)
        except PutError as exc:
            raise VersionConflict(todo.id) from exc

    def delete(self, owner_id: str, todo_id: str, *, expected_version: int | None) -> bool:
        """Delete if present (and at `expected_version`); False when absent."""
        item = self._model(owner_id, todo_id)
        condition = self._model.id.exists()
        if expected_version is not None:
            condition &= self._model.version == expected_version
        try:
            with _translated():
                item.delete(condition=condition)
        except DeleteError:
            if expected_version is not None and self.get(owner_id, todo_id) is not None:
                raise VersionConflict(todo_id) from None
            return False
        return True

    def _to_item(self, todo: Todo) -> TodoItem:
        return self._model(
            todo.owner_id,
            todo.id,
            owner_status=owner_status_key(todo.owner_id, todo.done),
            title=todo.title,
            notes=todo.notes,
            done=todo.done,
            due_date=todo.due_date.isoformat() if todo.due_date else None,
            created_at=todo.created_at,
            updated_at=todo.updated_at,
            version=todo.version,
        )


@contextmanager
def _translated() -> Iterator[None]:
    """Turn transport and throttling failures into StorageUnavailable; keep conditional failures."""
    try:
        yield
    except (PutError, DeleteError) as exc:
        if exc.cause_response_code == _CONDITION_FAILED:
            raise
        raise StorageUnavailable(type(exc).__name__) from exc
    except PynamoDBException as exc:
        raise StorageUnavailable(type(exc).__name__) from exc


def _to_todo(item: TodoItem) -> Todo:
    return Todo(
        owner_id=item.owner_id,
        id=item.id,
        title=item.title,
        notes=item.notes or "",
        done=bool(item.done),
        due_date=dt.date.fromisoformat(item.due_date) if item.due_date else None,
        created_at=item.created_at,
        updated_at=item.updated_at,
        version=int(item.version),
    )


def _marker(last: Todo, done: bool | None) -> dict[str, str]:
    marker = {"userId": last.owner_id, "id": last.id}
    if done is not None:
        marker["ownerStatus"] = owner_status_key(last.owner_id, done)
    return marker


def _start_key(owner_id: str, page: PageRequest) -> dict[str, Any] | None:
    marker = page.start_after
    if marker is None:
        return None
    expected = {"userId", "id"} | ({"ownerStatus"} if page.done is not None else set())
    if set(marker) != expected or marker["userId"] != owner_id:
        # The signed scope already binds owner and filter; this is defence in depth.
        raise InvalidCursor("cursor does not match this query")
    return {name: {"S": value} for name, value in marker.items()}
