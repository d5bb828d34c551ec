"""To-do entities and use cases."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Final

from app.domain.cursors import CursorCodec
from app.domain.errors import ConcurrentModification, NotFound, VersionConflict
from app.domain.ports import Clock, IdGenerator, TodoRepository

TITLE_MAX: Final = 200
NOTES_MAX: Final = 2000
LIST_LIMIT_MAX: Final = 100
LIST_LIMIT_DEFAULT: Final = 50
_UNCONDITIONAL_RETRIES: Final = 3
# A to-do id is a ULID (26 characters of Crockford's base32, what the id generator makes). An id
# of any other shape names no to-do and is never looked up: the owner's partition also holds
# rows that are not to-dos (the read cache's write marker), and no id from a URL may reach them.
TODO_ID_PATTERN: Final = r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$"
_TODO_ID = re.compile(TODO_ID_PATTERN)


def is_todo_id(value: str) -> bool:
    """True for ids of the shape the service gives to-dos."""
    return _TODO_ID.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class Todo:
    """One to-do of one owner; `version` grows by one on every write."""

    owner_id: str
    id: str
    title: str
    notes: str
    done: bool
    due_date: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


@dataclass(frozen=True, slots=True)
class NewTodo:
    """What a caller supplies to create a to-do."""

    title: str
    notes: str = ""
    done: bool = False
    due_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class TodoChanges:
    """A partial update: only the fields present in `fields` are changed."""

    title: str | None = None
    notes: str | None = None
    done: bool | None = None
    due_date: dt.date | None = None
    fields: frozenset[str] = field(default_factory=frozenset)

    def apply(self, todo: Todo) -> Todo:
        """Return `todo` with these changes applied (no version or timestamp change)."""
        updated = todo
        if "title" in self.fields and self.title is not None:
            updated = replace(updated, title=self.title)
        if "notes" in self.fields:
            updated = replace(updated, notes=self.notes or "")
        if "done" in self.fields and self.done is not None:
            updated = replace(updated, done=self.done)
        if "due_date" in self.fields:
            updated = replace(updated, due_date=self.due_date)
        return updated


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Where a repository query starts and how much it returns."""

    limit: int
    done: bool | None = None
    start_after: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of to-dos and the repository's marker for the next page."""

    items: list[Todo]
    next_marker: dict[str, str] | None


@dataclass(frozen=True, slots=True)
class TodoPage:
    """One page as the caller sees it: items and an opaque, signed cursor."""

    items: list[Todo]
    next_cursor: str | None


class TodoService:
    """The to-do use cases for one authenticated owner at a time."""

    def __init__(
        self,
        repository: TodoRepository,
        cursors: CursorCodec,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._repo = repository
        self._cursors = cursors
        self._ids = ids
        self._clock = clock

    def create(self, owner_id: str, new: NewTodo) -> Todo:
        """Store a new to-do for `owner_id` at version 1."""
        now = self._clock.now()
        todo = Todo(
            owner_id=owner_id,
            id=self._ids.new_id(),
            title=new.title,
            notes=new.notes,
            done=new.done,
            due_date=new.due_date,
            created_at=now,
            updated_at=now,
            version=1,
        )
        self._repo.add(todo)
        return todo

    def get(self, owner_id: str, todo_id: str) -> Todo:
        """Return the owner's to-do or raise NotFound."""
        if not is_todo_id(todo_id):
            raise NotFound(todo_id)
        todo = self._repo.get(owner_id, todo_id)
        if todo is None:
            raise NotFound(todo_id)
        return todo

    def list(
        self,
        owner_id: str,
        *,
        limit: int = LIST_LIMIT_DEFAULT,
        cursor: str | None = None,
        done: bool | None = None,
    ) -> TodoPage:
        """List the owner's to-dos newest first; the cursor is bound to owner and filter."""
        scope = _cursor_scope(owner_id, done)
        start = self._cursors.decode(cursor, scope) if cursor else None
        page = self._repo.list(owner_id, PageRequest(limit=limit, done=done, start_after=start))
        next_cursor = self._cursors.encode(page.next_marker, scope) if page.next_marker else None
        return TodoPage(items=page.items, next_cursor=next_cursor)

    def update(
        self,
        owner_id: str,
        todo_id: str,
        changes: TodoChanges,
        *,
        expected_version: int | None = None,
    ) -> Todo:
        """Apply `changes`; with `expected_version` the write is conditional (VersionConflict)."""
        attempts = 1 if expected_version is not None else _UNCONDITIONAL_RETRIES
        for _ in range(attempts):
            current = self.get(owner_id, todo_id)
            if expected_version is not None and current.version != expected_version:
                raise VersionConflict(todo_id)
            updated = changes.apply(current)
            if updated == current:
                return current
            updated = replace(updated, version=current.version + 1, updated_at=self._clock.now())
            try:
                self._repo.replace(updated, expected_version=current.version)
            except VersionConflict:
                if expected_version is not None:
                    raise
                continue
            return updated
        raise ConcurrentModification(todo_id)

    def delete(self, owner_id: str, todo_id: str, *, expected_version: int | None = None) -> None:
        """Delete the owner's to-do; NotFound if absent, VersionConflict if stale."""
        if not is_todo_id(todo_id):
            raise NotFound(todo_id)
        if expected_version is None:
            if not self._repo.delete(owner_id, todo_id, expected_version=None):
                raise NotFound(todo_id)
            return
        current = self.get(owner_id, todo_id)
        if current.version != expected_version:
            raise VersionConflict(todo_id)
        if not self._repo.delete(owner_id, todo_id, expected_version=expected_version):
            raise NotFound(todo_id)


def _cursor_scope(owner_id: str, done: bool | None) -> str:
    return f"todos|{owner_id}|{'' if done is None else str(done).lower()}"
