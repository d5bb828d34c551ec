"""The session's local stack over real HTTP: the gateway, the site, the event sources."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from app.devstack.event_sources.dynamodb_streams import StreamPump
from app.devstack.event_sources.s3_notifications import S3EventPump
from tests.conftest import LocalAws

RETRIES_ON_429 = 20


class RetryAfterTransport(httpx.HTTPTransport):
    """A well-behaved client: a 429 is retried after its Retry-After (the gateway throttles
    `POST /subscriptions` at 5 a second, as deployed, and the suite subscribes often)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(RETRIES_ON_429):
            response = super().handle_request(request)
            if response.status_code != 429:
                return response
            response.read()
            response.close()
            time.sleep(min(float(response.headers.get("retry-after", "1")), 1.0))
        return super().handle_request(request)


@pytest.fixture(scope="session")
def api_url(local_aws: LocalAws) -> str:
    """The API Gateway stage URL (ends with /): every request goes through the gateway."""
    return local_aws.api_url


@pytest.fixture(scope="session")
def client(api_url: str) -> Iterator[httpx.Client]:
    """An HTTP client on the stage that waits out throttling, as the SDK's users should."""
    with httpx.Client(base_url=api_url, timeout=30, transport=RetryAfterTransport()) as http:
        yield http


@pytest.fixture(scope="session")
def pumps(local_aws: LocalAws) -> dict[str, list[StreamPump]]:
    """The stack's stream pollers by function, invoking the functions' workers."""
    return local_aws.stack.stream_pumps


@pytest.fixture(scope="session")
def photo_events(local_aws: LocalAws) -> S3EventPump:
    """The thumbnail function fed from the photos bucket's notification queue."""
    (pump,) = local_aws.stack.s3_pumps["ThumbnailFunction"]
    return pump


@pytest.fixture(scope="session")
def storage_events(local_aws: LocalAws) -> S3EventPump:
    """The storage meter fed from the user-files bucket's notification queue (in the
    IAM-enforcing emulator, where the bucket is)."""
    (pump,) = local_aws.stack.s3_pumps["StorageMeterFunction"]
    return pump


@pytest.fixture(scope="session")
def site(local_aws: LocalAws, pumps: dict[str, list[StreamPump]]) -> tuple[str, list[StreamPump]]:
    """The local site origin (pages and assets from the bucket, /api/* through the gateway)
    and the render function's pump."""
    return local_aws.site_url.rstrip("/"), pumps["RenderSiteFunction"]
