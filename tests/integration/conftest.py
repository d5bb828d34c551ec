"""The app as the local stack serves it (uvicorn, real HTTP), over the session's emulators."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.api.app import create_app
from app.bootstrap import build_container
from app.devstack.emulator import free_port
from app.devstack.serve import serving_in_thread
from tests.conftest import LocalAws


@pytest.fixture(scope="session")
def api_url(local_aws: LocalAws) -> Iterator[str]:
    """Serve the app on a free loopback port (jwt mode: it checks ID tokens itself)."""
    app = create_app(build_container(local_aws.jwt_settings()))
    with serving_in_thread(app, free_port()) as url:
        yield url


@pytest.fixture(scope="session")
def client(api_url: str) -> Iterator[httpx.Client]:
    """An HTTP client on the served app."""
    with httpx.Client(base_url=api_url, timeout=10) as http:
        yield http
