"""What queue-fed asynchronous event sources share: draining their queue, and Lambda's record of
an invocation whose retries ran out (Lambda developer guide, "Capturing records of Lambda
asynchronous invocations": `requestContext.condition` "RetriesExhausted", the request payload,
the function's error)."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from typing import Any


def drain(poll: Callable[[], int], sqs: Any, queue_url: str, what: str, timeout: float) -> None:
    """Poll until the queue holds nothing, visible or in flight."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        poll()
        attributes = sqs.get_queue_attributes(
            QueueUrl=queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        if not any(int(value) for value in attributes.values()):
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} still waiting")


def retries_exhausted(
    function_arn: str, payload: dict[str, Any], attempts: int, error: str
) -> dict[str, Any]:
    """The on-failure destination's message for one asynchronous invocation."""
    return {
        "version": "1.0",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": f"{function_arn}:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": attempts,
        },
        "requestPayload": payload,
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled",
        },
        "responsePayload": {"errorMessage": error},
    }
