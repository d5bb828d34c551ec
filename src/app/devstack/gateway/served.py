"""What the gateway answered and how it got it: sent to the client, then told to the console."""

from __future__ import annotations

from dataclasses import dataclass

from app.devstack.functions.pool import Invocation


@dataclass(frozen=True)
class Reply:
    """What the gateway sends back, and how it got it."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    function: str | None = None  # the route's function, invoked or not
    cached: bool = False  # from the stage cache: no invocation
    invocation: Invocation | None = None  # the invocation behind it
    refusal: str | None = None  # the gateway response type, when the gateway answered itself
    note: str = ""  # what else a person should know (a malformed response)


@dataclass(frozen=True)
class Served:
    """One request answered: what the console prints as one line."""

    method: str
    path: str
    elapsed_ms: float
    reply: Reply
