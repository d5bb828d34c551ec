"""How PynamoDB's requests reach DAX: PynamoDB builds every request and hands it to
`client._make_api_call(operation, params)`; the transport takes that call to the DAX client.

(Locally there is no DAX: the local stack's stand-in is a DynamoDB endpoint, reached directly.)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import cache
from typing import Any

from pynamodb.models import Model

_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


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


@cache
def shared_session() -> Any:
    """The process's one botocore session. Each new session loads the endpoint, partition and
    default-configuration files again (~20-30 ms on a cold start); clients of one session share
    them. Used from the main thread at init only: botocore sessions are not thread-safe."""
    import botocore.session

    return botocore.session.get_session()


def connect_now(*models: type[Model]) -> None:
    """Build the models' DynamoDB client now, at init, from the shared session (models bound to
    one table, with the same timeouts and retries).

    PynamoDB builds it on a model's first request (in whichever thread serves it) from a session
    of its own; built here, it is paid once per environment before any request, and under
    SnapStart not even that: it is in the snapshot. PynamoDB keeps the client for every thread.
    """
    client = None
    for model in models:
        connection = model._get_connection().connection
        connection._local.session = shared_session()
        if client is None:
            client = connection.client
        else:
            # Same table, timeouts and retries: one (thread-safe) botocore client serves all.
            connection._client = client
