"""A function's execution environments: reused warm, added under concurrency, replaced on failure.

As on Lambda: an environment serves one invocation at a time; a request that finds none idle gets
a new one (a cold start: its init phase runs first, at most INIT_TIMEOUT_SECONDS); an invocation
that passes the function's Timeout is stopped and its environment discarded, as is one whose
process dies. Locally the number of environments per function is capped (a laptop, not a region):
past the cap, a request waits for one to free up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.devstack.functions import runtime
from app.devstack.functions.worker import CodeLocation, Worker, WorkerDied, WorkerTimeout
from app.devstack.provisioning.model import ACCOUNT_ID, FunctionSpec

# Lambda's init phase limit for on-demand functions (the Lambda execution environment docs).
INIT_TIMEOUT_SECONDS = 10
DEFAULT_MAX_ENVIRONMENTS = 4


@dataclasses.dataclass(frozen=True)
class Invocation:
    """The outcome of one invocation, with the numbers of Lambda's REPORT line."""

    function: str
    request_id: str
    status: str  # "ok", "error" (the function raised or failed to init), "timeout", "crash"
    result: Any
    error: dict[str, Any] | None
    duration_ms: float
    init_ms: float | None  # set on a cold start
    max_memory_mb: int
    memory_mb: int
    event: Any = dataclasses.field(default=None, repr=False, compare=False)  # what it got

    @property
    def ok(self) -> bool:
        """The function returned a result."""
        return self.status == "ok"

    def report(self) -> str:
        """Lambda's REPORT line for this invocation."""
        failure = None
        if not self.ok:
            failure = (self.status, str((self.error or {}).get("errorType")))
        return runtime.report_line(
            self.request_id,
            self.duration_ms,
            self.memory_mb,
            self.max_memory_mb,
            self.init_ms,
            failure,
        )


class FunctionError(Exception):
    """An invocation that did not return a result (for callers that want an exception)."""

    def __init__(self, invocation: Invocation) -> None:
        error = invocation.error or {}
        super().__init__(f"{error.get('errorType')}: {error.get('errorMessage')}")
        self.invocation = invocation


class FunctionPool:
    """Every execution environment of one function."""

    def __init__(
        self,
        spec: FunctionSpec,
        code: CodeLocation,
        environment: dict[str, str],
        log: Path,
        *,
        report: Callable[[Invocation], None] = lambda _invocation: None,
        max_environments: int = DEFAULT_MAX_ENVIRONMENTS,
    ) -> None:
        self.spec = spec
        self.code = code
        self._environment = environment
        self._log = log
        self._report = report
        self._limit = min(max_environments, spec.reserved_concurrency or max_environments)
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._count = 0  # idle, busy and starting
        self._closed = False
        self._condition = threading.Condition()
        self.invocations = 0
        self.cold_starts = 0

    @property
    def environment(self) -> dict[str, str]:
        """The environment its workers start with."""
        return dict(self._environment)

    @property
    def arn(self) -> str:
        """The function's ARN in the emulator's account."""
        region = self._environment.get("AWS_REGION", "us-east-1")
        return f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{self.spec.name}"

    def invoke(self, event: Any) -> Invocation:
        """Run one invocation in an idle environment, or a new one (a cold start)."""
        invocation = dataclasses.replace(self._run(event), event=event)
        self._report(invocation)
        return invocation

    def _run(self, event: Any) -> Invocation:
        worker, cold = self._acquire()
        request_id = str(uuid.uuid4())
        init_ms: float | None = None
        try:
            if cold:
                ready = worker.wait_ready(INIT_TIMEOUT_SECONDS + self.spec.timeout_seconds)
                init_ms = float(ready["init_ms"])
                if ready["type"] != "ready":
                    worker.kill()
                    return self._finish(request_id, "error", None, ready["error"], 0.0, init_ms)
            timeout = self.spec.timeout_seconds
            invocation = {
                "request_id": request_id,
                "event": event,
                "function_arn": self.arn,
                "deadline_ms": int(time.time() * 1000) + timeout * 1000,
            }
            started = time.monotonic()
            try:
                reply = worker.invoke(invocation, started + timeout)
            except WorkerTimeout:
                worker.kill()
                now = dt.datetime.now(dt.UTC).isoformat()
                message = f"{now} {request_id} Task timed out after {timeout:.2f} seconds"
                error = {"errorType": "Sandbox.Timedout", "errorMessage": message}
                return self._finish(request_id, "timeout", None, error, timeout * 1000.0, init_ms)
            except WorkerDied as died:
                worker.kill()
                message = f"RequestId: {request_id} Error: Runtime exited with error: {died}"
                error = {"errorType": "Runtime.ExitError", "errorMessage": message}
                elapsed = (time.monotonic() - started) * 1000
                return self._finish(request_id, "crash", None, error, elapsed, init_ms)
            status = "ok" if reply["type"] == "result" else "error"
            return self._finish(
                request_id,
                status,
                reply.get("result"),
                reply.get("error"),
                float(reply["duration_ms"]),
                init_ms,
                int(reply.get("max_memory_mb", 0)),
            )
        except (WorkerTimeout, WorkerDied) as failure:  # the init phase itself failed
            worker.kill()
            timed_out = isinstance(failure, WorkerTimeout)
            kind = "Runtime.InitTimeout" if timed_out else "Runtime.ExitError"
            error = {"errorType": kind, "errorMessage": f"init failed: {failure or 'timed out'}"}
            return self._finish(request_id, "error", None, error, 0.0, init_ms)
        finally:
            self._release(worker)

    def _finish(
        self,
        request_id: str,
        status: str,
        result: Any,
        error: dict[str, Any] | None,
        duration_ms: float,
        init_ms: float | None,
        max_memory_mb: int = 0,
    ) -> Invocation:
        invocation = Invocation(
            self.spec.logical_id,
            request_id,
            status,
            result,
            error,
            duration_ms,
            init_ms,
            max_memory_mb,
            self.spec.memory_mb,
        )
        with self._condition:
            self.invocations += 1
            self.cold_starts += init_ms is not None
        if invocation.status in ("timeout", "crash"):
            self._append_log(invocation)
        return invocation

    def _append_log(self, invocation: Invocation) -> None:
        """What the worker could not write itself (it timed out or died): Lambda's REPORT line."""
        with self._log.open("a", encoding="utf-8") as log:
            log.write(invocation.report() + "\n")

    def as_handler(self) -> Callable[[Any], Any]:
        """Invoke, returning the result or raising FunctionError (for event source pollers)."""

        def handler(event: Any) -> Any:
            invocation = self.invoke(event)
            if not invocation.ok:
                raise FunctionError(invocation)
            return invocation.result

        return handler

    def _acquire(self) -> tuple[Worker, bool]:
        with self._condition:
            while True:
                if self._closed:
                    raise RuntimeError(f"{self.spec.logical_id} is stopped")
                while self._idle:
                    worker = self._idle.pop()  # the most recently used: warmest, as Lambda
                    if worker.alive() and not worker.stale:
                        self._busy.add(worker)
                        return worker, False
                    self._count -= 1
                    worker.stop(grace=0)
                if self._count < self._limit:
                    self._count += 1
                    code = self.code
                    break
                self._condition.wait()
        try:
            environment = {**self._environment, "LAMBDA_TASK_ROOT": str(code.directory)}
            worker = Worker(self.spec.handler, code, environment, self._log)
        except BaseException:
            with self._condition:
                self._count -= 1
                self._condition.notify()
            raise
        with self._condition:
            self._busy.add(worker)
        return worker, True

    def _release(self, worker: Worker) -> None:
        with self._condition:
            self._busy.discard(worker)
            if worker.alive() and not worker.stale and not self._closed:
                self._idle.append(worker)
            else:
                self._count -= 1
                worker.stop(grace=0)
            self._condition.notify()

    def retire(self, changed: set[str] | None = None) -> int:
        """Replace the environments that imported any of `changed` (all when None): idle ones now,
        busy ones when their invocation ends. Returns how many are retired."""
        with self._condition:
            doomed = [
                w for w in (*self._idle, *self._busy) if changed is None or w.modules & changed
            ]
            for worker in doomed:
                worker.stale = True
            idle = [w for w in self._idle if w.stale]
            self._idle = [w for w in self._idle if not w.stale]
            self._count -= len(idle)
            for worker in idle:
                worker.stop(grace=0)
            self._condition.notify_all()
        return len(doomed)

    def use_code(self, code: CodeLocation) -> int:
        """Run from other code from now on (busy environments finish on the old code)."""
        with self._condition:
            self.code = code
        return self.retire()

    @property
    def environments(self) -> int:
        """Environments alive now (idle, busy or starting)."""
        with self._condition:
            return self._count

    def stop(self) -> None:
        """Stop every environment: idle ones now, busy ones when their invocation ends."""
        with self._condition:
            self._closed = True
        self.retire()
