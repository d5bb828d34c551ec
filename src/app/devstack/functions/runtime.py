"""The Lambda runtime inside each local worker process: init once, then one invocation at a time.

Run as a script (never imported by the function's code), with the standard library only, so the
same bootstrap serves a `sam build` artifact in a bare interpreter (`python -I -S`) and `src/`:

    python -I [-S] runtime.py CODE_DIR MODULE.HANDLER REQUEST_FD RESPONSE_FD

Like Lambda's Python runtime it puts CODE_DIR first on sys.path and makes it the working folder
(LAMBDA_TASK_ROOT), imports the handler once (the init phase), writes START/END/REPORT lines to its
log (stdout), and turns an uncaught exception into `errorType`/`errorMessage`/`stackTrace`. The
parent talks to it over two pipes with length-prefixed JSON messages; EOF on the request pipe (the
parent is gone) ends it.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import resource
import struct
import sys
import time
import traceback
from typing import Any

_HEADER = struct.Struct(">I")
HEADER_SIZE = _HEADER.size


def encode(message: dict[str, Any]) -> bytes:
    """One message as sent: a 4-byte big-endian length, then UTF-8 JSON."""
    data = json.dumps(message, separators=(",", ":")).encode()
    return _HEADER.pack(len(data)) + data


def write_all(fd: int, data: bytes) -> None:
    """Write every byte (a pipe takes large messages in parts)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_message(fd: int, message: dict[str, Any]) -> None:
    """Send one message."""
    write_all(fd, encode(message))


def body_size(header: bytes) -> int:
    """The length a message header announces."""
    size: int = _HEADER.unpack(header)[0]
    return size


def decode(body: bytes) -> dict[str, Any]:
    """A message's JSON body."""
    message: dict[str, Any] = json.loads(body)
    return message


def read_exactly(fd: int, size: int) -> bytes | None:
    """`size` bytes from `fd`, or None at end of file."""
    chunks, remaining = [], size
    while remaining:
        chunk = os.read(fd, remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_message(fd: int) -> dict[str, Any] | None:
    """Receive one message, or None when the other side closed its end."""
    header = read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    body = read_exactly(fd, body_size(header))
    return None if body is None else decode(body)


class LambdaContext:
    """The context object Lambda passes to a Python handler (the attributes it documents)."""

    def __init__(self, invocation: dict[str, Any]) -> None:
        self.aws_request_id: str = invocation["request_id"]
        self.function_name: str = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version: str = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn: str = invocation["function_arn"]
        self.memory_limit_in_mb: int = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0"))
        self.log_group_name: str = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name: str = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms: int = invocation["deadline_ms"]

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function's timeout."""
        return max(0, self._deadline_ms - int(time.time() * 1000))


def report_line(
    request_id: str,
    duration_ms: float,
    memory_mb: int,
    max_memory_mb: int,
    init_ms: float | None = None,
    failure: tuple[str, str] | None = None,
) -> str:
    """Lambda's REPORT line (tab-separated, as in CloudWatch Logs); `failure`: status, type."""
    fields = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {math.ceil(duration_ms + (init_ms or 0))} ms",
        f"Memory Size: {memory_mb} MB",
        f"Max Memory Used: {max_memory_mb} MB",
    ]
    if init_ms is not None:
        fields.append(f"Init Duration: {init_ms:.2f} ms")
    if failure is not None:
        fields += [f"Status: {failure[0]}", f"Error Type: {failure[1]}"]
    return "\t".join(fields)


def _error(error: BaseException, error_type: str | None = None) -> dict[str, Any]:
    frames = traceback.extract_tb(error.__traceback__)
    return {
        "errorType": error_type or type(error).__name__,
        "errorMessage": str(error),
        "stackTrace": traceback.format_list(frames),
    }


def _loaded_modules(code_dir: str) -> list[str]:
    """Source files of the function's own code that are imported now (for hot reload)."""
    prefix = code_dir.rstrip(os.sep) + os.sep
    files = {
        file[len(prefix) :]
        for module in list(sys.modules.values())
        if (file := getattr(module, "__file__", None)) and file.startswith(prefix)
    }
    return sorted(files)


def _max_memory_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux


def _log(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _import_handler(name: str) -> tuple[Any, dict[str, Any] | None]:
    """The init phase: import the handler's module (its top level runs here, once)."""
    module_name, _, attribute = name.rpartition(".")
    kind: str | None = None
    try:
        kind = "Runtime.ImportModuleError"
        module = importlib.import_module(module_name)
        kind = "Runtime.HandlerNotFound"
        return getattr(module, attribute), None
    except Exception as error:  # noqa: BLE001 - any init failure is reported as Lambda reports it
        traceback.print_exc(file=sys.stdout)
        sys.stdout.flush()  # before the reply: the pool may end this process as soon as it reads it
        own_code = kind == "Runtime.ImportModuleError" and not isinstance(error, ImportError)
        return None, _error(error, None if own_code else kind)


def main(argv: list[str]) -> int:
    """Init, then serve invocations until the parent closes the request pipe."""
    code_dir, handler_name, request_fd, response_fd = argv[0], argv[1], int(argv[2]), int(argv[3])
    sys.path.insert(0, code_dir)
    os.chdir(code_dir)
    started = time.perf_counter()
    handler, failure = _import_handler(handler_name)
    init_ms = (time.perf_counter() - started) * 1000
    if handler is None:
        sys.stdout.flush()  # the traceback is in the log before the gateway answers
        write_message(response_fd, {"type": "init_error", "init_ms": init_ms, "error": failure})
        return 1
    ready = {"type": "ready", "init_ms": init_ms, "modules": _loaded_modules(code_dir)}
    write_message(response_fd, ready)
    module_count = len(sys.modules)
    memory_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0"))
    first: float | None = init_ms
    while (invocation := read_message(request_fd)) is not None:
        request_id = invocation["request_id"]
        _log(f"START RequestId: {request_id} Version: $LATEST")
        began = time.perf_counter()
        reply: dict[str, Any]
        try:
            reply = {
                "type": "result",
                "result": handler(invocation["event"], LambdaContext(invocation)),
            }
        except Exception as error:  # noqa: BLE001 - a function error is a result, as on Lambda
            reply = {"type": "error", "error": _error(error)}
            _log(f"[ERROR] {type(error).__name__}: {error}")
            traceback.print_exc(file=sys.stdout)
        reply["duration_ms"] = (time.perf_counter() - began) * 1000
        reply["max_memory_mb"] = _max_memory_mb()
        if len(sys.modules) != module_count:  # something new was imported: report what
            module_count = len(sys.modules)
            reply["modules"] = _loaded_modules(code_dir)
        try:
            data = encode(reply)
        except (TypeError, ValueError) as error:  # the result is not JSON: Lambda's MarshalError
            reply = {**reply, "type": "error", "error": _error(error, "Runtime.MarshalError")}
            del reply["result"]
            data = encode(reply)
        _log(f"END RequestId: {request_id}")
        outcome = ("error", reply["error"]["errorType"]) if reply["type"] == "error" else None
        duration, used = reply["duration_ms"], reply["max_memory_mb"]
        _log(report_line(request_id, duration, memory_mb, used, first, outcome))
        first = None
        write_all(response_fd, data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
