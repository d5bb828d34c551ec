"""Lambda SnapStart runtime hooks, registered through the runtime's own library when it is there.

Python managed runtimes (3.12+) ship `snapshot_restore_py` (AWS docs, "Lambda SnapStart runtime
hooks for Python"): `register_before_snapshot(func)` runs before Lambda takes the snapshot of an
initialized environment, `register_after_restore(func)` in every environment resumed from it.
Outside Lambda (the local stack, tests, a runtime without SnapStart) the module is absent and
there is nothing to register: the hooks never run, as an environment that was never snapshotted
has nothing to restore.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def register_runtime_hooks(
    before_snapshot: Callable[[], None],
    after_restore: Callable[[], None],
    *,
    module: str = "snapshot_restore_py",
) -> bool:
    """Register both hooks with the runtime; False (and nothing registered) without it."""
    try:
        runtime = importlib.import_module(module)
    except ModuleNotFoundError:
        return False
    runtime.register_before_snapshot(before_snapshot)
    runtime.register_after_restore(after_restore)
    return True
