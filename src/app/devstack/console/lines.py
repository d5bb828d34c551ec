"""The console's lines for a person: one per request, per event invocation, per metric.

Columns: the clock, the kind (an HTTP method in capitals; `event`, `metric`, `reload` in lower
case), what (the path, or what triggered the invocation), the outcome (the HTTP status, or ok /
partial / error), how long it took, and who served it with what is worth knowing (a cold start,
an error and where to read more). The functions' own logs stay JSON, in their files, as they are
in CloudWatch on AWS; the console is the local stand-in for glancing at them.
"""

from __future__ import annotations

import time

from app.devstack.functions.pool import Invocation
from app.devstack.gateway.served import Reply, Served

WHAT = 40  # the width of the path / trigger column
# The gateway's own answers (response types, API Gateway developer guide "Gateway response
# types"), as a person says them.
REFUSALS = {
    "ACCESS_DENIED": "access denied",
    "AUTHORIZER_CONFIGURATION_ERROR": "authorizer not available locally",
    "DEFAULT_5XX": "not invoked: request over Lambda's 6 MB payload quota",
    "INTEGRATION_TIMEOUT": "integration timed out",
    "MISSING_AUTHENTICATION_TOKEN": "no such route",
    "REQUEST_TOO_LARGE": "request over the 10 MB payload quota",
    "THROTTLED": "throttled",
    "UNAUTHORIZED": "unauthorized",
}


def plural(count: int, noun: str) -> str:
    """`3 tables`, `1 API`, `2 identity pool role attachments`."""
    if count == 1:
        return f"1 {noun}"
    if noun.endswith("y") and not noun.endswith(("ay", "ey", "oy")):
        return f"{count} {noun[:-1]}ies"
    return f"{count} {noun}{'es' if noun.endswith(('s', 'sh', 'ch', 'x')) else 's'}"


def clock(now: float | None = None) -> str:
    """The local time of day, to the second."""
    return time.strftime("%H:%M:%S", time.localtime(now))


def row(now: float | None, kind: str, what: str, outcome: str, ms: float | None, who: str) -> str:
    """One line in the console's columns."""
    took = f"{ms:>6.0f} ms" if ms is not None else ""
    return f"{clock(now)}  {kind:<6} {what:<{WHAT}} {outcome:<7} {took:>9}  {who}".rstrip()


def request_line(served: Served, now: float | None = None) -> str:
    """A request the gateway answered: path, status, total time, and who answered it."""
    reply = served.reply
    return row(now, served.method, served.path, str(reply.status), served.elapsed_ms, _by(reply))


def _by(reply: Reply) -> str:
    if reply.cached:
        return f"{reply.function}, stage cache hit (not invoked)"
    if reply.invocation is not None:
        parts = [reply.invocation.function, *invocation_notes(reply.invocation)]
    elif reply.refusal == "INTEGRATION_TIMEOUT" and reply.function:
        parts = [reply.function, "integration timed out (the invocation goes on)"]
    elif reply.refusal is not None:
        parts = [f"{REFUSALS.get(reply.refusal, reply.refusal.lower())} (by the gateway)"]
    else:
        parts = []
    if reply.note:
        parts.append(reply.note)
    return ", ".join(parts) or "the gateway"


def invocation_notes(invocation: Invocation) -> list[str]:
    """A cold start's init time, and what failed."""
    notes = []
    if invocation.init_ms is not None:
        notes.append(f"cold start {invocation.init_ms:.0f} ms")
    if not invocation.ok:
        notes.append(failure(invocation))
    return notes


def failure(invocation: Invocation) -> str:
    """What failed in one line; the traceback is in the function's log."""
    error = invocation.error or {}
    message = " ".join(str(error.get("errorMessage", "")).split())
    if invocation.status == "timeout":
        return f"timed out after {invocation.duration_ms / 1000:.0f} s (see its log)"
    if invocation.status == "crash":
        return f"crashed: {message.rpartition('Error: ')[2][:200]} (see its log)"
    return f"error: {error.get('errorType')}: {message[:200]} (see its log)"


def batch_failures(invocation: Invocation) -> tuple[int, int]:
    """(records failed, records sent) of a batch whose function reports item failures."""
    result, event = invocation.result, invocation.event
    failed = result.get("batchItemFailures") if isinstance(result, dict) else None
    records = event.get("Records") if isinstance(event, dict) else None
    if not failed or not isinstance(records, list):
        return 0, 0
    return len(failed), len(records)


def event_line(invocation: Invocation, trigger: str, now: float | None = None) -> str:
    """An invocation by an event source: what triggered it, its outcome, who ran it."""
    outcome, notes = ("ok", []) if invocation.ok else ("error", [])
    failed, sent = batch_failures(invocation)
    if failed:
        outcome, notes = "partial", [f"{failed} of {sent} records failed (retried)"]
    notes += invocation_notes(invocation)
    who = ", ".join([invocation.function, *notes])
    return row(now, "event", trigger, outcome, invocation.duration_ms, who)


def metric_line(function: str, text: str, now: float | None = None) -> str:
    """A business metric a function logged (`metric Namespace/Name +1 Count (dimensions)`)."""
    what, _, dimensions = text.removeprefix("metric ").partition(" (")
    where = f" ({dimensions}" if dimensions else ""
    return f"{clock(now)}  metric {what} from {function}{where}"


def reload_line(text: str, now: float | None = None) -> str:
    """What hot reload did."""
    return f"{clock(now)}  reload {text}"
