"""The to-do use cases against in-memory ports."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.cursors import CursorCodec
from app.domain.errors import ConcurrentModification, InvalidCursor, NotFound, VersionConflict
from app.domain.signing import SigningKey, StaticKeyRing
from app.domain.todos import NewTodo, TodoChanges, TodoService
from tests.unit.fakes import InMemoryTodoRepository, SequentialIds, StepClock

ALICE, BOB = "alice-sub", "bob-sub"


@pytest.fixture
def repo() -> InMemoryTodoRepository:
    return InMemoryTodoRepository()


@pytest.fixture
def service(repo: InMemoryTodoRepository) -> TodoService:
    keys = StaticKeyRing([SigningKey("k1", b"k" * 32)])
    return TodoService(repo, CursorCodec(keys), SequentialIds(), StepClock())


def test_create_starts_at_version_one_with_equal_timestamps(service: TodoService) -> None:
    todo = service.create(ALICE, NewTodo(title="Buy milk", due_date=dt.date(2026, 12, 1)))
    assert (todo.owner_id, todo.title, todo.version, todo.done) == (ALICE, "Buy milk", 1, False)
    assert todo.created_at == todo.updated_at
    assert service.get(ALICE, todo.id) == todo


def test_another_owners_todo_is_not_found(service: TodoService) -> None:
    todo = service.create(ALICE, NewTodo(title="secret"))
    with pytest.raises(NotFound):
        service.get(BOB, todo.id)
    with pytest.raises(NotFound):
        service.update(BOB, todo.id, TodoChanges(done=True, fields=frozenset({"done"})))
    with pytest.raises(NotFound):
        service.delete(BOB, todo.id)


@pytest.mark.parametrize(
    "todo_id", ["#writes", "", "0" * 25, "0" * 27, "8" + "0" * 25, "0" * 25 + "U"]
)
def test_an_id_not_shaped_like_a_ulid_is_never_looked_up(
    service: TodoService, repo: InMemoryTodoRepository, todo_id: str
) -> None:
    """Even a row stored under such an id (an internal one) is unreachable through the service."""
    service.create(ALICE, NewTodo(title="a"))
    stored = next(iter(repo.items.values()))
    repo.items[(ALICE, todo_id)] = stored
    with pytest.raises(NotFound):
        service.get(ALICE, todo_id)
    with pytest.raises(NotFound):
        service.update(ALICE, todo_id, TodoChanges(done=True, fields=frozenset({"done"})))
    with pytest.raises(NotFound):
        service.delete(ALICE, todo_id)
    assert repo.items[(ALICE, todo_id)] == stored


def test_update_changes_only_given_fields_and_bumps_version(service: TodoService) -> None:
    todo = service.create(ALICE, NewTodo(title="a", notes="n", due_date=dt.date(2026, 1, 2)))
    updated = service.update(
        ALICE,
        todo.id,
        TodoChanges(done=True, due_date=None, fields=frozenset({"done", "due_date"})),
    )
    assert (updated.title, updated.notes, updated.done, updated.due_date) == ("a", "n", True, None)
    assert updated.version == 2
    assert updated.updated_at > todo.updated_at
    assert updated.created_at == todo.created_at


def test_update_without_effect_writes_nothing(
    service: TodoService, repo: InMemoryTodoRepository
) -> None:
    todo = service.create(ALICE, NewTodo(title="a"))
    same = service.update(ALICE, todo.id, TodoChanges(title="a", fields=frozenset({"title"})))
    assert same == todo
    assert repo.replace_calls == 0


def test_stale_expected_version_is_a_conflict(service: TodoService) -> None:
    todo = service.create(ALICE, NewTodo(title="a"))
    service.update(ALICE, todo.id, TodoChanges(title="b", fields=frozenset({"title"})))
    with pytest.raises(VersionConflict):
        service.update(
            ALICE, todo.id, TodoChanges(title="c", fields=frozenset({"title"})), expected_version=1
        )
    with pytest.raises(VersionConflict):
        service.delete(ALICE, todo.id, expected_version=1)
    assert service.get(ALICE, todo.id).title == "b"


def test_unconditional_update_retries_a_lost_race(
    service: TodoService, repo: InMemoryTodoRepository
) -> None:
    todo = service.create(ALICE, NewTodo(title="a"))
    repo.conflicts_to_inject = 2
    updated = service.update(ALICE, todo.id, TodoChanges(done=True, fields=frozenset({"done"})))
    assert updated.done
    assert repo.replace_calls == 3


def test_unconditional_update_gives_up_after_three_lost_races(
    service: TodoService, repo: InMemoryTodoRepository
) -> None:
    todo = service.create(ALICE, NewTodo(title="a"))
    repo.conflicts_to_inject = 3
    with pytest.raises(ConcurrentModification):
        service.update(ALICE, todo.id, TodoChanges(done=True, fields=frozenset({"done"})))


def test_conditional_update_does_not_retry(
    service: TodoService, repo: InMemoryTodoRepository
) -> None:
    todo = service.create(ALICE, NewTodo(title="a"))
    repo.conflicts_to_inject = 1
    with pytest.raises(VersionConflict):
        service.update(
            ALICE, todo.id, TodoChanges(done=True, fields=frozenset({"done"})), expected_version=1
        )
    assert repo.replace_calls == 1


def test_list_pages_newest_first_with_a_cursor(service: TodoService) -> None:
    ids = [service.create(ALICE, NewTodo(title=f"t{i}")).id for i in range(5)]
    service.create(BOB, NewTodo(title="bob's"))
    first = service.list(ALICE, limit=2)
    assert [t.id for t in first.items] == ids[::-1][:2]
    assert first.next_cursor is not None
    second = service.list(ALICE, limit=2, cursor=first.next_cursor)
    third = service.list(ALICE, limit=2, cursor=second.next_cursor)
    seen = [t.id for page in (first, second, third) for t in page.items]
    assert seen == ids[::-1]
    assert third.next_cursor is None


def test_cursor_of_another_owner_or_filter_is_refused(service: TodoService) -> None:
    for i in range(3):
        service.create(ALICE, NewTodo(title=f"t{i}"))
    cursor = service.list(ALICE, limit=1).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidCursor):
        service.list(BOB, limit=1, cursor=cursor)
    with pytest.raises(InvalidCursor):
        service.list(ALICE, limit=1, cursor=cursor, done=False)


def test_delete_then_get_is_not_found(service: TodoService) -> None:
    todo = service.create(ALICE, NewTodo(title="a"))
    service.delete(ALICE, todo.id, expected_version=1)
    with pytest.raises(NotFound):
        service.get(ALICE, todo.id)
    with pytest.raises(NotFound):
        service.delete(ALICE, todo.id)
