"""DAX, locally: one read cache in front of the emulator's DynamoDB, shared by every environment.

A DAX cluster is shared by all of a function's execution environments: what one writes through it,
the others read. The local stand-in is therefore one process-wide endpoint, not a cache inside
each worker. It speaks DynamoDB's own protocol (JSON over HTTP, `X-Amz-Target`), so the function
reaches it with a plain DynamoDB client, and keeps DAX's semantics (DAX developer guide, "DAX and
DynamoDB consistency models"):

- Item cache: eventually consistent GetItem results (misses too), for the item TTL.
- Query cache: Query results keyed by the whole request, for the query TTL.
- Strongly consistent reads bypass both caches.
- Write-through: a successful PutItem replaces the cached item, DeleteItem caches its absence,
  UpdateItem evicts it; writes never touch the query cache.

Requests are forwarded byte for byte and answers cached as the emulator sent them (with the CRC32
header botocore checks recomputed for bodies made here).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.types import Receive, Scope, Send

_WRITES = ("PutItem", "DeleteItem", "UpdateItem")
_FORWARDED_HEADERS = ("content-type", "x-amz-target", "authorization", "x-amz-date")
_CONTENT_TYPE = "application/x-amz-json-1.0"


@dataclass
class CacheStats:
    """What reached DynamoDB and what the cache answered, per operation."""

    forwarded: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Answer:
    """A DynamoDB response as sent to the function."""

    status: int
    body: bytes


class LocalDax:
    """The shared cache, as an ASGI app on its own port."""

    def __init__(
        self,
        dynamodb_url: str,
        *,
        item_ttl: float,
        query_ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._dynamodb_url = dynamodb_url
        self._item_ttl = item_ttl
        self._query_ttl = query_ttl
        self._clock = clock
        self._items: dict[str, tuple[float, Answer]] = {}
        self._queries: dict[str, tuple[float, Answer]] = {}
        self._key_names: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=30)  # thread-safe: used from a thread per call
        self.stats = CacheStats()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """One DynamoDB API call."""
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        operation = headers.get("x-amz-target", "").rpartition(".")[2]
        answer = await self._answer(operation, headers, body)
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [
                    (b"content-type", _CONTENT_TYPE.encode()),
                    (b"x-amz-crc32", str(zlib.crc32(answer.body)).encode()),
                    (b"content-length", str(len(answer.body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})

    async def _answer(self, operation: str, headers: dict[str, str], body: bytes) -> Answer:
        try:
            params: dict[str, Any] = json.loads(body or b"{}")
        except ValueError:
            params = {}
        consistent = bool(params.get("ConsistentRead"))
        if operation == "GetItem" and not consistent:
            key = _item_key(params["TableName"], params["Key"])
            return await self._cached(self._items, key, self._item_ttl, operation, headers, body)
        if operation == "Query" and not consistent:
            key = json.dumps(params, sort_keys=True)
            return await self._cached(self._queries, key, self._query_ttl, operation, headers, body)
        answer = await self._forward(operation, headers, body)
        if operation in _WRITES and answer.status == 200:
            await self._write_through(operation, headers, params)
        return answer

    async def _cached(
        self,
        cache: dict[str, tuple[float, Answer]],
        key: str,
        ttl: float,
        operation: str,
        headers: dict[str, str],
        body: bytes,
    ) -> Answer:
        now = self._clock()
        with self._lock:
            entry = cache.get(key)
            if entry is not None and entry[0] > now:
                self.stats.hits[operation] += 1
                return entry[1]
        answer = await self._forward(operation, headers, body)
        if answer.status == 200:
            with self._lock:
                cache[key] = (now + ttl, answer)
        return answer

    async def _write_through(
        self, operation: str, headers: dict[str, str], params: dict[str, Any]
    ) -> None:
        table = params["TableName"]
        if operation == "PutItem":
            names = await self._key_of(table, headers)
            key = _item_key(table, {name: params["Item"][name] for name in names})
            answer: Answer | None = Answer(200, json.dumps({"Item": params["Item"]}).encode())
        else:
            key = _item_key(table, params["Key"])
            answer = Answer(200, b"{}") if operation == "DeleteItem" else None
        with self._lock:
            if answer is None:
                self._items.pop(key, None)
            else:
                self._items[key] = (self._clock() + self._item_ttl, answer)

    async def _key_of(self, table: str, headers: dict[str, str]) -> list[str]:
        """The table's key attribute names (asked once, as DAX knows its tables' schemas)."""
        if table not in self._key_names:
            body = json.dumps({"TableName": table}).encode()
            described = await self._forward(
                "DescribeTable",
                {**headers, "x-amz-target": "DynamoDB_20120810.DescribeTable"},
                body,
                count=False,
            )
            schema = json.loads(described.body)["Table"]["KeySchema"]
            self._key_names[table] = sorted(part["AttributeName"] for part in schema)
        return self._key_names[table]

    async def _forward(
        self, operation: str, headers: dict[str, str], body: bytes, *, count: bool = True
    ) -> Answer:
        if count:
            with self._lock:
                self.stats.forwarded[operation] += 1
        sent = {name: value for name, value in headers.items() if name in _FORWARDED_HEADERS}
        response = await asyncio.to_thread(
            self._http.post, self._dynamodb_url, content=body, headers=sent
        )
        return Answer(response.status_code, response.content)

    def close(self) -> None:
        """Close the connections to the emulator."""
        self._http.close()


def _item_key(table: str, key: dict[str, Any]) -> str:
    return json.dumps([table, key], sort_keys=True)
