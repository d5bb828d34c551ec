"""How PynamoDB's requests reach DynamoDB: directly, through DAX, or through a local DAX stand-in.

PynamoDB builds every request and hands it to `client._make_api_call(operation, params)`; these
transports take that call. Each one has the botocore client's shape PynamoDB expects.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pynamodb.models import Model

_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")
_WRITES = {"PutItem", "DeleteItem", "UpdateItem"}


class Transport:
    """The part of a botocore client that PynamoDB's Connection calls."""

    _request_signer = None  # PynamoDB re-creates a client whose signer lost its credentials

    def _make_api_call(self, operation_name: str, params: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError


def use_transport(model: type[Model], transport: Transport) -> None:
    """Send every request of `model` through `transport`."""
    model._get_connection().connection._client = transport  # type: ignore[assignment]


class DaxTransport(Transport):
    """DAX through amazon-dax-client, whose `AmazonDaxClient` mirrors the DynamoDB client API."""

    def __init__(self, client_factory: Callable[[], Any]) -> None:
        self._factory = client_factory
        self._client: Any = None
        self._lock = threading.Lock()

    def _make_api_call(self, operation_name: str, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
        method = getattr(self._client, _SNAKE.sub("_", operation_name).lower())
        response: dict[str, Any] = method(**params)
        return response


def dax_client_factory(endpoint_url: str, region: str) -> Callable[[], Any]:
    """A factory for the real DAX client (TLS `daxs://` endpoint, the cluster's discovery URL)."""

    def build() -> Any:
        from amazondax import AmazonDaxClient  # imported only where DAX is configured

        return AmazonDaxClient(endpoint_url=endpoint_url, region_name=region)

    return build


@dataclass
class CacheStats:
    """What reached DynamoDB and what the cache answered, per operation."""

    forwarded: Counter[str]
    hits: Counter[str]


class LocalDaxCache(Transport):
    """A read cache with DAX's semantics, for where no DAX exists (the local stack).

    - Item cache: eventually consistent GetItem results (misses too), for `item_ttl` seconds.
    - Query cache: Query results keyed by the whole request, for `query_ttl` seconds.
    - Strongly consistent reads bypass both caches.
    - Write-through: a successful PutItem replaces the cached item, DeleteItem caches its absence,
      UpdateItem evicts it. Writes never touch the query cache (as in DAX).
    """

    def __init__(
        self,
        inner: Callable[[], Any],
        *,
        item_ttl: float,
        query_ttl: float,
        key_schemas: dict[str, list[str]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`key_schemas`: each table's key attribute names, to key PutItem's write-through."""
        self._key_names = {table: sorted(names) for table, names in (key_schemas or {}).items()}
        self._inner_factory = inner
        self._inner: Any = None
        self._item_ttl = item_ttl
        self._query_ttl = query_ttl
        self._clock = clock
        self._items: dict[str, tuple[float, dict[str, Any]]] = {}
        self._queries: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.stats = CacheStats(Counter(), Counter())

    def _make_api_call(self, operation_name: str, params: dict[str, Any]) -> dict[str, Any]:
        consistent = bool(params.get("ConsistentRead"))
        if operation_name == "GetItem" and not consistent:
            return self._cached(
                self._items, _item_key(params), self._item_ttl, operation_name, params
            )
        if operation_name == "Query" and not consistent:
            key = json.dumps(params, sort_keys=True, default=str)
            return self._cached(self._queries, key, self._query_ttl, operation_name, params)
        response = self._forward(operation_name, params)
        if operation_name in _WRITES:
            self._write_through(operation_name, params)
        return response

    def _cached(
        self,
        cache: dict[str, tuple[float, dict[str, Any]]],
        key: str,
        ttl: float,
        operation_name: str,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        now = self._clock()
        with self._lock:
            entry = cache.get(key)
            if entry is not None and entry[0] > now:
                self.stats.hits[operation_name] += 1
                return entry[1]
        response = self._forward(operation_name, params)
        with self._lock:
            cache[key] = (now + ttl, response)
        return response

    def _write_through(self, operation_name: str, params: dict[str, Any]) -> None:
        if operation_name == "PutItem":
            names = self._key_names[params["TableName"]]
            table_key = _key_of_item(params["TableName"], params["Item"], names)
            value: dict[str, Any] | None = {"Item": params["Item"]}
        else:
            table_key = _item_key(params)
            value = {} if operation_name == "DeleteItem" else None
        with self._lock:
            if value is None:
                self._items.pop(table_key, None)
            else:
                self._items[table_key] = (self._clock() + self._item_ttl, value)

    def _forward(self, operation_name: str, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if self._inner is None:
                self._inner = self._inner_factory()
            self.stats.forwarded[operation_name] += 1
        response: dict[str, Any] = self._inner._make_api_call(operation_name, params)
        return response


def dynamodb_client_factory(region: str, endpoint_url: str | None) -> Callable[[], Any]:
    """A factory for a plain botocore DynamoDB client (what a LocalDaxCache forwards to)."""

    def build() -> Any:
        import botocore.session
        from botocore.config import Config

        return botocore.session.get_session().create_client(
            "dynamodb",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 4}),
        )

    return build


def _item_key(params: dict[str, Any]) -> str:
    return json.dumps([params["TableName"], params["Key"]], sort_keys=True)


def _key_of_item(table: str, item: dict[str, Any], key_names: list[str]) -> str:
    return json.dumps([table, {name: item[name] for name in key_names}], sort_keys=True)
