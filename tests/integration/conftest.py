"""The app as the local stack serves it (uvicorn, real HTTP), over the session's emulator."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from app.api.app import create_app
from app.bootstrap import build_container
from app.devstack.emulator import free_port
from tests.conftest import LocalAws


@pytest.fixture(scope="session")
def api_url(local_aws: LocalAws) -> Iterator[str]:
    """Serve the app on a free loopback port (jwt mode: it checks ID tokens itself)."""
    app = create_app(build_container(local_aws.jwt_settings()))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def client(api_url: str) -> Iterator[httpx.Client]:
    """An HTTP client on the served app."""
    with httpx.Client(base_url=api_url, timeout=10) as http:
        yield http
