"""Where each event source mapping has got to, kept across restarts of the local stack.

Lambda's event source mappings keep their position in a stream; the local pollers write theirs
here (one JSON file, replaced atomically) after every batch they finish. The emulator's recording
replays the same writes in the same order on start, so a stream's sequence numbers come back the
same and a saved position still points at the same record.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any


class CheckpointStore:
    """Named positions; in memory only when `path` is None."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._values: dict[str, Any] = {}
        if path is not None and path.exists():
            self._values = dict(json.loads(path.read_text(encoding="utf-8")))

    def get(self, key: str) -> Any:
        """The position (any JSON value) saved under `key`, if any."""
        with self._lock:
            return self._values.get(key)

    def put(self, key: str, value: Any) -> None:
        """Save a position (and write the file)."""
        with self._lock:
            if self._values.get(key) == value:
                return
            self._values[key] = value
            if self._path is not None:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                temporary = self._path.with_suffix(".tmp")
                temporary.write_text(json.dumps(self._values, indent=1, sort_keys=True))
                temporary.replace(self._path)

    def remove(self, key: str) -> None:
        """Forget a position."""
        with self._lock:
            self._values.pop(key, None)
