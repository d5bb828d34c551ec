"""What the local stack prints: numbered progress while it starts, then a line per request and per
invocation (functions' own logs go to files under .devstack/logs, as to CloudWatch on AWS)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from app.devstack.functions.pool import Invocation


class Console:
    """Thread-safe lines to a writer (stdout by default); `quiet` keeps them in memory only."""

    def __init__(self, write: Callable[[str], None] | None = None, *, quiet: bool = False) -> None:
        self._write = write or self._stdout
        self._quiet = quiet
        self._lock = threading.Lock()
        self._step = 0
        self.lines: list[str] = []

    @staticmethod
    def _stdout(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def line(self, text: str) -> None:
        """One line."""
        with self._lock:
            self.lines.append(text)
            del self.lines[:-1000]
            if not self._quiet:
                self._write(text)

    def progress(self, message: str) -> None:
        """A numbered step; an indented message belongs to the step before it."""
        if message.startswith("  "):
            self.line("      " + message.strip())
            return
        with self._lock:
            self._step += 1
            step = self._step
        self.line(f"[{step}] {message}")

    def invocation(self, invocation: Invocation) -> None:
        """Lambda's REPORT line for one invocation, after the function's name; for a failed one,
        what failed too (the traceback is in the function's log)."""
        self.line(f"{invocation.function:<22} {invocation.report().replace(chr(9), '  ')}")
        if not invocation.ok and invocation.error:
            error = invocation.error
            message = str(error.get("errorMessage", ""))[:300]
            self.line(f"{'':22} {error.get('errorType')}: {message} (see its log)")

    def metric(self, function: str, text: str) -> None:
        """A business metric a function printed (an EMF line in its log)."""
        self.line(f"{function:<22} {text}")

    def request(self, text: str) -> None:
        """One line per request the gateway answered."""
        self.line(f"{'ApiGateway':<22} {text}")
