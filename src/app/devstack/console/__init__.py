"""What the local stack prints: numbered steps while it starts, then one line per request and per
event invocation (the functions' own JSON logs go to files under .devstack/logs, as to CloudWatch
on AWS). Colour only on a terminal, and not when NO_COLOR is set (no-color.org)."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping

from app.devstack.console.lines import (
    batch_failures,
    event_line,
    metric_line,
    reload_line,
    request_line,
)
from app.devstack.console.triggers import describe, is_api_request
from app.devstack.functions.pool import Invocation
from app.devstack.gateway.served import Served

COLOURS = {"error": "\033[31m", "warn": "\033[33m", "step": "\033[1m", "dim": "\033[2m"}
RESET = "\033[0m"


def seconds(started: float) -> str:
    """How long since `started` (a time.monotonic() value), as a step says it."""
    return f"{time.monotonic() - started:.1f} s"


class Console:
    """Thread-safe lines to a writer (stdout by default); `quiet` keeps them in memory only.

    While `hold()` is in effect (the stack is starting), lines of requests and invocations that
    went well are kept in `lines` and counted, not printed: the steps say what happened.
    """

    def __init__(
        self,
        write: Callable[[str], None] | None = None,
        *,
        quiet: bool = False,
        colour: bool | None = None,
    ) -> None:
        self._write = write or self._stdout
        self._quiet = quiet
        if colour is None:
            colour = write is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        self._colour = colour
        self._lock = threading.Lock()
        self._step = 0
        self._holding = False
        self.held: Counter[str] = Counter()
        self.names: dict[str, str] = {}  # physical names and ARNs -> logical ids, for triggers
        self.lines: list[str] = []

    @staticmethod
    def _stdout(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def line(self, text: str, style: str | None = None, *, routine: str = "") -> None:
        """One line; `style` colours it on a terminal; a `routine` one is held while starting."""
        with self._lock:
            self.lines.append(text)
            del self.lines[:-1000]
            if routine and self._holding:
                self.held[routine] += 1
                return
            if not self._quiet:
                colour = COLOURS.get(style or "") if self._colour else None
                self._write(f"{colour}{text}{RESET}" if colour else text)

    def hold(self, holding: bool = True) -> None:
        """Hold routine lines (True) while starting, or print them from now on (False)."""
        with self._lock:
            self._holding = holding

    def progress(self, message: str) -> None:
        """A numbered step; an indented message belongs to the step before it."""
        if message.startswith("  "):
            self.detail(message)
            return
        with self._lock:
            self._step += 1
            step = self._step
        self.line(f"[{step}] {message}", "step")

    def detail(self, message: str) -> None:
        """A line under the step before it."""
        self.line("    " + message.strip())

    def name_resources(self, refs: Mapping[str, str]) -> None:
        """Name the template's resources in trigger descriptions (table, bucket, topic, secret,
        queue) by their logical ids instead of their physical names."""
        for logical_id, physical in refs.items():
            if physical:
                self.names[physical] = logical_id
                if physical.startswith("http"):  # a queue URL: its name is the last part
                    self.names[physical.rpartition("/")[2]] = logical_id

    def invocation(self, invocation: Invocation) -> None:
        """An invocation by an event source or a direct invoke; one the gateway made is told
        with its request, by `request`."""
        if is_api_request(invocation.event):
            return
        line = event_line(invocation, describe(invocation.event, self.names))
        style = "error" if not invocation.ok else "warn" if batch_failures(invocation)[0] else None
        self.line(line, style, routine="" if style else "event invocation")

    def request(self, served: Served) -> None:
        """A request the gateway answered."""
        status = served.reply.status
        style = "error" if status >= 500 else "warn" if status >= 400 else None
        self.line(request_line(served), style, routine="" if style else "API request")

    def metric(self, function: str, text: str) -> None:
        """A business metric a function printed (an EMF line in its log)."""
        self.line(metric_line(function, text), routine="metric")

    def reload(self, text: str) -> None:
        """What hot reload did."""
        self.line(reload_line(text), "dim")
