"""SnapStart: environments resumed from one snapshot must not share what makes ids unique.

A snapshot is stood in for by `os.fork()`: every child resumes the parent's memory exactly, as
every environment Lambda restores resumes the snapshot's. Each child runs the after-restore hook
(or not, to show why it exists) and reports the ids it makes.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import types
from collections.abc import Callable
from typing import Any

import pytest

from app.adapters.ids import UlidGenerator
from app.adapters.snapstart import register_runtime_hooks
from app.bootstrap import Container
from app.settings import Settings


class _Ring:
    def __init__(self) -> None:
        self.forgotten = 0

    def forget(self) -> None:
        self.forgotten += 1


def _container(generator: UlidGenerator) -> Container:
    return Container(settings=Settings.model_validate({}), id_generators=(generator,))


def _restored(container: Container, generator: UlidGenerator, *, hook: bool) -> list[Any]:
    """Fork two "restored environments"; each returns what it makes in the same millisecond."""
    results = []
    memory = random.getstate()
    for _ in range(2):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: a restored environment
            os.close(read)
            # CPython reseeds `random` in a forked child (os.register_at_fork); a restored
            # snapshot gets no such help, so the child resumes the snapshot's state as it was.
            random.setstate(memory)
            if hook:
                container.after_restore()
            made = [random.getrandbits(64), generator.new_id()]
            os.write(write, json.dumps(made).encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as pipe:
            results.append(json.loads(pipe.read()))
        os.waitpid(pid, 0)
    return results


@pytest.fixture
def snapshotted() -> tuple[Container, UlidGenerator]:
    """An initialized environment just before its snapshot: a seeded `random`, and a ULID
    generator whose last id sits ahead of the clock (as it does when restore happens within
    the millisecond of the snapshot's last id, or the restored clock lags)."""
    generator = UlidGenerator()
    container = _container(generator)
    random.seed(1234)
    generator.new_id()
    generator._last_ms = time.time_ns() // 1_000_000 + 60_000
    return container, generator


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_without_the_hook_two_restored_environments_make_the_same_ids(
    snapshotted: tuple[Container, UlidGenerator],
) -> None:
    container, generator = snapshotted
    first, second = _restored(container, generator, hook=False)
    assert first == second  # the hazard the hook exists for


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_after_restore_two_environments_make_different_ids(
    snapshotted: tuple[Container, UlidGenerator],
) -> None:
    container, generator = snapshotted
    container.before_snapshot()
    first, second = _restored(container, generator, hook=True)
    assert first[0] != second[0]  # random reseeded
    assert first[1] != second[1]  # ULIDs: monotonic state reset, fresh randomness
    # and a restored generator follows the real clock again, not the snapshot's last id
    assert first[1][:10] <= UlidGenerator().new_id()[:10]


def test_after_restore_drops_the_key_rings_cache() -> None:
    ring = _Ring()
    container = Container(settings=Settings.model_validate({}), key_rings=(ring,))  # type: ignore[arg-type]
    container.after_restore()
    assert ring.forgotten == 1


def test_hooks_register_with_the_runtime_library_when_present(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered: dict[str, Callable[[], None]] = {}
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_before_snapshot = lambda f: registered.setdefault("before", f)  # type: ignore[attr-defined]
    runtime.register_after_restore = lambda f: registered.setdefault("after", f)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)
    container = _container(UlidGenerator())
    assert register_runtime_hooks(container.before_snapshot, container.after_restore)
    assert registered == {"before": container.before_snapshot, "after": container.after_restore}


def test_without_the_runtime_library_nothing_is_registered() -> None:
    assert not register_runtime_hooks(lambda: None, lambda: None, module="no_such_runtime_module")
