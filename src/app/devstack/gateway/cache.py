"""The stage cache of a REST API, as API Gateway keeps it.

- Only methods whose settings enable caching, and only when the stage has a cache cluster.
- The key is the resource and method plus the values of the method's request parameters marked as
  cache keys, and nothing else: two requests to `/todos/{todo_id}` with different ids share an entry
  unless `method.request.path.todo_id` is a key (hashicorp/terraform-provider-aws#856); a header
  that is not a key (Authorization!) does not separate callers. A parameter's value is the one its
  `method.request.*` mapping gives: a header's or query string's last value, a path parameter's
  decoded value.
- Whatever the integration answered is stored for the TTL, whatever its status (a 429 or a 304 is
  served from the cache like a 200: "Prevent caching of non 200 responses in AWS API Gateway" on
  Stack Overflow has no switch for it), and the integration's own Cache-Control is not consulted
  (re:Post QUDxOW-WXVQV-7rhfpG-cbqQ). Responses over 1,048,576 bytes are not cached (API Gateway
  developer guide, "Cache settings for REST APIs").
- `Cache-Control: max-age=0` from a client asks to refresh its entry; when the stage requires
  authorization for that, only callers with execute-api:InvalidateCache may, which nobody has
  locally (no IAM): the stage's strategy for unauthorized callers applies.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from app.devstack.gateway.spec import Route

MAX_CACHED_BYTES = 1_048_576
MAX_ENTRIES = 10_000  # the local stand-in for the cache cluster's size

CacheKey = tuple[str, ...]


@dataclass(frozen=True)
class CachedResponse:
    """A stored integration response."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def cache_key(
    route: Route,
    path_parameters: dict[str, str],
    headers: list[tuple[str, str]],
    query: list[tuple[str, str]],
) -> CacheKey:
    """The entry a request reads and writes."""
    parts = [route.method, route.resource]
    for parameter in route.cache_key_parameters:
        _, _, where, name = parameter.split(".", 3)
        value: str | None = None
        if where == "header":
            value = next((v for k, v in reversed(headers) if k.lower() == name.lower()), None)
        elif where == "querystring":
            value = next((v for k, v in reversed(query) if k == name), None)
        elif where == "path":
            value = path_parameters.get(name)
        parts.append(f"{parameter}={'' if value is None else value}")
        parts.append("set" if value is not None else "unset")
    return tuple(parts)


class StageCache:
    """Entries with a time to live, oldest dropped first when full."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[CacheKey, tuple[float, CachedResponse]] = OrderedDict()
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> CachedResponse | None:
        """The live entry for `key`, if any."""
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] <= time.monotonic():
                self._entries.pop(key, None)
                self.misses += 1
                return None
            self.hits += 1
            return found[1]

    def put(self, key: CacheKey, response: CachedResponse, ttl_seconds: int) -> None:
        """Store `response` for `ttl_seconds` (not when it is too large or the TTL is 0)."""
        if ttl_seconds <= 0 or len(response.body) > MAX_CACHED_BYTES:
            return
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl_seconds, response)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def flush(self) -> None:
        """Drop every entry (FlushStageCache)."""
        with self._lock:
            self._entries.clear()
