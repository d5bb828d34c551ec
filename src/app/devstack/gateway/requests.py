"""What the gateway reads of a request: its body (up to a limit), the headers it passes on, and
the CORS preflight answer the API's `Cors` setting gives."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Receive, Scope


def event_size(event: dict[str, Any]) -> int:
    """The event's size as Lambda counts it: its JSON."""
    return len(json.dumps(event, separators=(",", ":")).encode())


def forwarded(headers: list[tuple[str, str]], scope: Scope, scheme: str) -> list[tuple[str, str]]:
    """The request headers as API Gateway passes them: X-Forwarded-* set by the gateway."""
    client = (scope.get("client") or ("127.0.0.1", 0))[0]
    server_port = str((scope.get("server") or ("127.0.0.1", 80))[1])
    forwarded_for = next((v for k, v in headers if k.lower() == "x-forwarded-for"), None)
    kept = [(k, v) for k, v in headers if not k.lower().startswith("x-forwarded-")]
    return [
        *kept,
        ("x-forwarded-for", f"{forwarded_for}, {client}" if forwarded_for else client),
        ("x-forwarded-port", server_port),
        ("x-forwarded-proto", scheme),
    ]


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None past `limit` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def preflight(cors: dict[str, Any]) -> list[tuple[str, str]] | None:
    """Headers of the OPTIONS answer for an API with `Cors` (SAM adds those methods), or None."""
    if not cors:
        return None
    names = {
        "AllowOrigin": "Access-Control-Allow-Origin",
        "AllowMethods": "Access-Control-Allow-Methods",
        "AllowHeaders": "Access-Control-Allow-Headers",
        "MaxAge": "Access-Control-Max-Age",
    }
    sent = [(header, str(cors[key]).strip("'")) for key, header in names.items() if key in cors]
    if str(cors.get("AllowCredentials", "")).lower() == "true":
        sent.append(("Access-Control-Allow-Credentials", "true"))
    return [*sent, ("Content-Type", "application/json")]
