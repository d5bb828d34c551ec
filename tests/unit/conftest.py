"""Unit tests of the domain: in-memory fakes behind the ports, no network at all."""

from __future__ import annotations

import socket
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit test that opens a socket is not a unit test."""

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("unit tests must not use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
