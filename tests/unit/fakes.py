"""In-memory stand-ins for the domain's ports: unit tests only (integration uses the emulator)."""

from __future__ import annotations

import datetime as dt

from app.domain.errors import VersionConflict
from app.domain.todos import Page, PageRequest, Todo


class InMemoryTodoRepository:
    """Keeps the port's contract: per-owner partitions, newest first, conditional writes."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Todo] = {}
        self.replace_calls = 0
        self.conflicts_to_inject = 0

    def add(self, todo: Todo) -> None:
        assert (todo.owner_id, todo.id) not in self.items
        self.items[(todo.owner_id, todo.id)] = todo

    def get(self, owner_id: str, todo_id: str) -> Todo | None:
        return self.items.get((owner_id, todo_id))

    def list(self, owner_id: str, page: PageRequest) -> Page:
        mine = sorted(
            (t for (owner, _), t in self.items.items() if owner == owner_id),
            key=lambda t: t.id,
            reverse=True,
        )
        if page.done is not None:
            mine = [t for t in mine if t.done == page.done]
        if page.start_after is not None:
            mine = [t for t in mine if t.id < page.start_after["id"]]
        items = mine[: page.limit]
        more = len(mine) > page.limit
        return Page(items, {"userId": owner_id, "id": items[-1].id} if more else None)

    def replace(self, todo: Todo, *, expected_version: int) -> None:
        self.replace_calls += 1
        if self.conflicts_to_inject:
            self.conflicts_to_inject -= 1
            raise VersionConflict(todo.id)
        current = self.items.get((todo.owner_id, todo.id))
        if current is None or current.version != expected_version:
            raise VersionConflict(todo.id)
        self.items[(todo.owner_id, todo.id)] = todo

    def delete(self, owner_id: str, todo_id: str, *, expected_version: int | None) -> bool:
        current = self.items.get((owner_id, todo_id))
        if current is None:
            return False
        if expected_version is not None and current.version != expected_version:
            raise VersionConflict(todo_id)
        del self.items[(owner_id, todo_id)]
        return True


class SequentialIds:
    """ULID-shaped ids that sort in creation order: 00...01, 00...02, ..."""

    def __init__(self) -> None:
        self.count = 0

    def new_id(self) -> str:
        self.count += 1
        return f"{self.count:026d}"


class StepClock:
    """A clock that advances one second per reading."""

    def __init__(self) -> None:
        self.current = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        self.current += dt.timedelta(seconds=1)
        return self.current
