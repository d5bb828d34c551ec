"""Functions run in the test process, for tests that must look inside one or make it fail, behind
another stage of the stack's API (LocalStack.another_gateway)."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from app.devstack.functions.pool import Invocation
from app.devstack.gateway.app import Invoke

Handler = Callable[[dict[str, Any], Any], Any]


@dataclasses.dataclass
class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str = "serverless-reference-test-api"
    aws_request_id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    log_group_name: str = "/aws/lambda/serverless-reference-test-api"
    log_stream_name: str = "2026/11/24/[$LATEST]0123456789abcdef"

    @property
    def invoked_function_arn(self) -> str:
        """The function's ARN in the emulator's account."""
        return f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        """Plenty: these invocations have no deadline."""
        return 10_000


class InProcess:
    """Invokes some functions' handlers in this process, one at a time on a thread of their own
    with an event loop (as Lambda runs a handler on its runtime's main thread); the others go to
    `fallback`. Close it when done."""

    def __init__(self, handlers: dict[str, Handler], fallback: Invoke | None = None) -> None:
        self._handlers = handlers
        self._fallback = fallback
        self._loop = asyncio.new_event_loop()
        self._thread = ThreadPoolExecutor(
            max_workers=1, initializer=asyncio.set_event_loop, initargs=(self._loop,)
        )

    def __call__(self, function: str, event: dict[str, Any]) -> Invocation:
        """One invocation, as the gateway makes it."""
        handler = self._handlers.get(function)
        if handler is None:
            if self._fallback is None:
                raise KeyError(function)
            return self._fallback(function, event)
        started = time.perf_counter()
        try:
            result = self._thread.submit(handler, event, LambdaContext()).result()
            status, error = "ok", None
        except Exception as failure:  # noqa: BLE001 - a function error, as Lambda reports it
            result, status = None, "error"
            error = {"errorType": type(failure).__name__, "errorMessage": str(failure)}
        elapsed = (time.perf_counter() - started) * 1000
        return Invocation(function, "in-process", status, result, error, elapsed, None, 0, 0)

    def close(self) -> None:
        """Stop the thread and close its loop."""
        self._thread.shutdown(wait=True)
        self._loop.close()
