"""Business metrics the functions print as embedded metric format (EMF) lines, made readable.

On AWS, CloudWatch Logs turns each EMF line of a function's log into metrics (CloudWatch User
Guide, "Specification: Embedded metric format"): the `_aws.CloudWatchMetrics` directives name the
namespace, the dimension keys and the metrics, whose values are top-level keys of the same line.
Locally the lines stay in the functions' log files; this follows the files and shows each
metric as one console line, e.g. `metric ServerlessReference/TodosCreated +1 Count (service=...)`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

Show = Callable[[str, str], None]  # (function's logical id, readable text)


def readable(line: str) -> list[str]:
    """The metrics of one log line, one text each; [] for any line that is not EMF."""
    try:
        record: Any = json.loads(line)
    except ValueError:
        return []
    aws = record.get("_aws") if isinstance(record, dict) else None
    directives = aws.get("CloudWatchMetrics") if isinstance(aws, dict) else None
    if not isinstance(directives, list):
        return []
    texts = []
    for directive in directives:
        keys = [key for group in directive.get("Dimensions", []) for key in group]
        where = ", ".join(f"{key}={record.get(key)}" for key in keys)
        for metric in directive.get("Metrics", []):
            name = metric.get("Name")
            value = record.get(name)
            values = value if isinstance(value, list) else [value]
            total = sum(v for v in values if isinstance(v, int | float))
            unit = metric.get("Unit", "None")
            texts.append(f"metric {directive.get('Namespace')}/{name} +{total:g} {unit} ({where})")
    return texts


class EmfTail:
    """Follows every `<function>.log` in a folder and shows the EMF metrics appended to it.

    Files already there when it starts are followed from their end (metrics of earlier runs
    were shown then); a new file from its start.
    """

    def __init__(self, folder: Path, show: Show, interval: float = 0.3) -> None:
        self._folder = folder
        self._show = show
        self._interval = interval
        self._offsets: dict[Path, int] = {}
        self._partial: dict[Path, bytes] = {}
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="emf-tail", daemon=True)

    def start(self) -> EmfTail:
        """Note where each existing log ends, then follow them all in a thread."""
        for path in self._folder.glob("*.log"):
            self._offsets[path] = path.stat().st_size
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop following (after one last look)."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def poll(self) -> None:
        """Show what was appended since the last look."""
        for path in sorted(self._folder.glob("*.log")):
            offset = self._offsets.get(path, 0)
            try:
                with path.open("rb") as handle:
                    handle.seek(offset)
                    data = handle.read()
            except FileNotFoundError:
                continue
            self._offsets[path] = offset + len(data)
            *lines, rest = (self._partial.pop(path, b"") + data).split(b"\n")
            if rest:
                self._partial[path] = rest
            for line in lines:
                if b'"_aws"' in line:
                    for text in readable(line.decode("utf-8", "replace")):
                        self._show(path.stem, text)

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            self.poll()
        self.poll()
