"""To-dos in DynamoDB through PynamoDB: partition = owner, sort = time-ordered id, GSI by status."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DeleteError, PutError, PynamoDBException, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from app.adapters.dynamodb_transport import Transport, use_transport
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


class WriteMarker(Model):
    """When the owner last wrote: one item per owner, sorting before every to-do id."""

    owner_id = UnicodeAttribute(hash_key=True, attr_name="userId")
    id = UnicodeAttribute(range_key=True)
    written_at_ms = NumberAttribute(attr_name="writtenAt")


INTERNAL_PREFIX = "#"  # rows in an owner's partition that are not to-dos; no to-do id has it
MARKER_ID = "#writes"  # starts with INTERNAL_PREFIX, which sorts before the ULID alphabet
FIRST_TODO_ID = "0"


@dataclass(frozen=True)
class TodoTable:
    """One table binding: the to-do model, its status index, and the write-marker model."""

    todos: type[TodoItem]
    by_status: _StatusIndex
    markers: type[WriteMarker]


def bind_todo_table(
    table_name: str, region: str, host: str | None = None, transport: Transport | None = None
) -> TodoTable:
    """Models bound to one table (and, if given, one transport); built once per container."""

    class BoundStatusIndex(_StatusIndex):  # type: ignore[no-untyped-call]
        class Meta:
            index_name = STATUS_INDEX
            projection = AllProjection()

    class BoundTodoItem(TodoItem):
        class Meta:
            pass

        by_status = BoundStatusIndex()

    class BoundWriteMarker(WriteMarker):
        class Meta:
            pass

    for model in (BoundTodoItem, BoundWriteMarker):
        bind_to_table(model, table_name, region, host)
        if transport is not None:
            use_transport(model, transport)
    return TodoTable(BoundTodoItem, BoundTodoItem.by_status, BoundWriteMarker)


def owner_status_key(owner_id: str, done: bool) -> str:
    """Partition key of the status index: one partition per owner and status."""
    return f"{owner_id}#{'done' if done else 'open'}"


class DynamoTodoRepository:
    """TodoRepository on DynamoDB; conditional writes carry the optimistic version check.

    With a read cache (`cached`: DAX, or its local stand-in) reads go through the cache and
    writes through it too (write-through keeps the item cache fresh). Query results are not
    refreshed by writes, so an owner who wrote within `recent_write_window` seconds lists from
    DynamoDB directly (read-your-writes); the per-owner write marker, itself cached and written
    through, says when that was.
    """

    def __init__(
        self,
        direct: TodoTable,
        *,
        cached: TodoTable | None = None,
        recent_write_window: float = 0.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._direct = direct
        self._cached = cached
        self._window_ms = recent_write_window * 1000
        self._clock = clock

    @property
    def _table(self) -> TodoTable:
        return self._cached or self._direct

    def add(self, todo: Todo) -> None:
        """Insert; the id is new, so the write is conditional on its absence."""
        self._mark_write(todo.owner_id)
        item = self._to_item(todo)
        with translated_errors():
            item.save(condition=self._table.todos.id.does_not_exist())

    def get(self, owner_id: str, todo_id: str) -> Todo | None:
        """One to-do: from the item cache when there is one, else a strongly consistent read."""
        return self._get(self._table, owner_id, todo_id, consistent=self._cached is None)

    def list(self, owner_id: str, page: PageRequest) -> Page:
        """Query one partition newest first; one extra item tells whether a next page exists."""
        start = _start_key(owner_id, page)
        table, consistent = self._table_for_listing(owner_id)
        with translated_errors():
            if page.done is None:
                results = table.todos.query(
                    owner_id,
                    range_key_condition=table.todos.id >= FIRST_TODO_ID,
                    scan_index_forward=False,
                    consistent_read=consistent,
                    limit=page.limit + 1,
                    page_size=page.limit + 1,
                    last_evaluated_key=start,
                )
            else:
                # A GSI is eventually consistent (no ConsistentRead); direct reads skip the cache.
                results = table.by_status.query(
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
        self._mark_write(todo.owner_id)
        item = self._to_item(todo)
        try:
            with translated_errors():
                item.save(condition=self._table.todos.version == expected_version)
        except PutError as exc:
            raise VersionConflict(todo.id) from exc

    def delete(self, owner_id: str, todo_id: str, *, expected_version: int | None) -> bool:
        """Delete if present (and at `expected_version`); False when absent."""
        if todo_id.startswith(INTERNAL_PREFIX):
            return False
        self._mark_write(owner_id)
        model = self._table.todos
        condition = model.id.exists()
        if expected_version is not None:
            condition &= model.version == expected_version
        try:
            with translated_errors():
                model(owner_id, todo_id).delete(condition=condition)
        except DeleteError:
            exists = self._get(self._direct, owner_id, todo_id, consistent=True) is not None
            if expected_version is not None and exists:
                raise VersionConflict(todo_id) from None
            return False
        return True

    def _get(
        self, table: TodoTable, owner_id: str, todo_id: str, *, consistent: bool
    ) -> Todo | None:
        if todo_id.startswith(INTERNAL_PREFIX):
            return None  # defence in depth: the service already refuses ids that are not ULIDs
        with translated_errors():
            try:
                item = table.todos.get(owner_id, todo_id, consistent_read=consistent)
            except table.todos.DoesNotExist:
                return None
        return _to_todo(item)

    def _table_for_listing(self, owner_id: str) -> tuple[TodoTable, bool]:
        """The cached table, or DynamoDB itself (strongly consistent) for a recent writer."""
        if self._cached is None:
            return self._direct, True
        with translated_errors():
            try:
                marker = self._cached.markers.get(owner_id, MARKER_ID)
            except self._cached.markers.DoesNotExist:
                return self._cached, False
        if marker.written_at_ms > self._clock() * 1000 - self._window_ms:
            return self._direct, True
        return self._cached, False

    def _mark_write(self, owner_id: str) -> None:
        """Record the write first: if the to-do write then fails, reads merely skip the cache."""
        if self._cached is None:
            return
        marker = self._cached.markers(owner_id, MARKER_ID, written_at_ms=int(self._clock() * 1000))
        with translated_errors():
            marker.save()

    def _to_item(self, todo: Todo) -> TodoItem:
        return self._table.todos(
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
def translated_errors() -> Iterator[None]:
    """Turn transport and throttling failures into StorageUnavailable; keep conditional failures."""
    try:
        yield
    except (PutError, DeleteError, UpdateError) as exc:
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


def bind_to_table(model: type[Model], table_name: str, region: str, host: str | None) -> None:
    """Point a model class at one table, with the timeouts and retries every table uses."""
    for name, value in {
        "table_name": table_name,
        "region": region,
        "host": host,
        "connect_timeout_seconds": 2,
        "read_timeout_seconds": 5,
        "max_retry_attempts": 3,
    }.items():
        setattr(model.Meta, name, value)
