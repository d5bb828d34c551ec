"""One execution environment: a child process running runtime.py for one function.

The parent writes an invocation to the worker's request pipe and waits for the reply on its
response pipe, with the function's deadline. The worker's stdout and stderr go to the function's
log file (its CloudWatch log group, locally).
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.devstack.functions import runtime

RUNTIME_SCRIPT = Path(runtime.__file__).resolve()


@dataclass(frozen=True)
class CodeLocation:
    """Where a function's code comes from: the `sam build` artifact, or the source folder."""

    directory: Path
    built: bool  # True: only the artifact's packages (a bare interpreter), as on Lambda

    def describe(self) -> str:
        """For the console."""
        return f"{'build' if self.built else 'source'} {self.directory}"


class WorkerTimeout(Exception):
    """No reply before the deadline."""


class WorkerDied(Exception):
    """The worker process ended (exit code in the message)."""


class Worker:
    """A child process that imports one handler once and serves invocations one at a time."""

    def __init__(
        self, handler: str, code: CodeLocation, environment: dict[str, str], log: Path
    ) -> None:
        self.code = code
        self.modules: frozenset[str] = frozenset()  # its code's source files it has imported
        self.stale = False  # retire instead of reusing (hot reload)
        request_read, self._request = os.pipe()
        self._response, response_write = os.pipe()
        flags = ["-I", "-S"] if code.built else ["-I"]
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as output:
            self._process = subprocess.Popen(  # noqa: S603 - our interpreter and our bootstrap
                [
                    sys.executable,
                    *flags,
                    str(RUNTIME_SCRIPT),
                    str(code.directory),
                    handler,
                    str(request_read),
                    str(response_write),
                ],
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                pass_fds=(request_read, response_write),
                cwd=code.directory,
                # Ctrl-C reaches the local stack, which stops its workers itself.
                start_new_session=True,
            )
        os.close(request_read)
        os.close(response_write)

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self._process.pid

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self._process.poll() is None

    def wait_ready(self, timeout: float) -> dict[str, Any]:
        """The init phase's outcome: a `ready` or an `init_error` message."""
        message = self._receive(time.monotonic() + timeout)
        self._note_modules(message)
        return message

    def invoke(self, invocation: dict[str, Any], deadline: float) -> dict[str, Any]:
        """Send one invocation and wait for its reply until `deadline` (monotonic seconds)."""
        try:
            runtime.write_all(self._request, runtime.encode(invocation))
        except BrokenPipeError:
            raise WorkerDied(self._exit_status()) from None
        reply = self._receive(deadline)
        self._note_modules(reply)
        return reply

    def _note_modules(self, message: dict[str, Any]) -> None:
        if "modules" in message:
            self.modules = frozenset(message["modules"])

    def _receive(self, deadline: float) -> dict[str, Any]:
        header = self._read(runtime.HEADER_SIZE, deadline)
        return runtime.decode(self._read(runtime.body_size(header), deadline))

    def _read(self, size: int, deadline: float) -> bytes:
        chunks, remaining = [], size
        while remaining:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([self._response], [], [], wait)[0]:
                raise WorkerTimeout
            chunk = os.read(self._response, remaining)
            if not chunk:
                raise WorkerDied(self._exit_status())
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _exit_status(self) -> str:
        try:
            code = self._process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "no reply"
        if code < 0:
            return f"signal: {signal.Signals(-code).name.lower().removeprefix('sig')}"
        return f"exit status {code}"

    def kill(self) -> None:
        """End it now (a timed-out invocation: Lambda discards the environment)."""
        if self.alive():
            self._process.kill()
            self._process.wait(timeout=5)
        self._close_pipes()

    def stop(self, grace: float = 2.0) -> None:
        """End it: close its request pipe (it exits after the current invocation), then kill."""
        self._close_pipes()
        try:
            self._process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)

    def _close_pipes(self) -> None:
        # Each descriptor is closed once: a number closed twice may belong to another file by then.
        request, response, self._request, self._response = self._request, self._response, -1, -1
        for fd in (request, response):
            if fd >= 0:
                os.close(fd)
