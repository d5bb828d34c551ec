"""Hot reload: watch the source folder and tell the Lambda service which files changed.

Polling (twice a second, by modification time and size) needs no dependency and sees edits from
any editor, including ones that replace files instead of writing them in place.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

logger = logging.getLogger(__name__)
WATCHED_SUFFIXES = (".py", ".html", ".css", ".js", ".json", ".txt")


def _files(root: Path) -> Iterator[os.DirEntry[str]]:
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__" and not entry.name.startswith("."):
                        stack.append(entry.path)
                elif entry.name.endswith(WATCHED_SUFFIXES):
                    yield entry


def snapshot(root: Path) -> dict[str, tuple[float, int]]:
    """Every watched file under `root` with its modification time and size."""
    found = {}
    for entry in _files(root):
        try:
            stat = entry.stat()
        except FileNotFoundError:  # removed while we looked
            continue
        found[entry.path] = (stat.st_mtime, stat.st_size)
    return found


class SourceWatcher:
    """Calls `on_change(paths)` from its own thread whenever watched files appear, change or go."""

    def __init__(
        self, root: Path, on_change: Callable[[set[Path]], object], interval: float = 0.5
    ) -> None:
        self._root = root
        self._on_change = on_change
        self._interval = interval
        self._stop = threading.Event()
        self._seen = snapshot(root)
        self._thread = threading.Thread(target=self._run, name="hot-reload", daemon=True)

    def start(self) -> None:
        """Start watching."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout=5)

    def poll(self) -> set[Path]:
        """Look once; returns (and reports) what changed since the last look."""
        now = snapshot(self._root)
        changed = {Path(p) for p in now.keys() ^ self._seen.keys()}
        changed |= {Path(p) for p, stat in now.items() if self._seen.get(p, stat) != stat}
        self._seen = now
        if changed:
            self._on_change(changed)
        return changed

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.poll()
            except Exception:  # a watcher that died would silently stop reloading
                logger.exception("hot reload: looking for changes failed")
