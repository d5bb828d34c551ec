"""Small functions with the behaviours a gateway must survive (see template.yaml beside them).

Run by the local Lambda runtime in worker processes, like the project's own functions.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

STARTED = time.time()  # the init phase
VERSION = "one"


def _reply(body: Any, status: int = 200) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The event, the environment's markers and who ran it."""
    return _reply(
        {
            "version": VERSION,
            "pid": os.getpid(),
            "started": STARTED,
            "function": context.function_name,
            "memory": context.memory_limit_in_mb,
            "remaining_ms": context.get_remaining_time_in_millis(),
            "marker": os.environ.get("MARKER"),
            "region": os.environ.get("AWS_REGION"),
            "path": event["path"],
            "body": event["body"],
            "binary": event["isBase64Encoded"],
        }
    )


def crash(_event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """The process dies mid-invocation."""
    os._exit(7)


def slow(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Takes longer than asked to."""
    time.sleep(float((event.get("queryStringParameters") or {}).get("seconds", "3")))
    return _reply({"slept": True})


def malformed(_event: dict[str, Any], _context: Any) -> Any:
    """Not a proxy integration response."""
    return {"statusCode": 200, "body": {"an": "object, not a string"}}
