"""The app as the local stack serves it (uvicorn, real HTTP), over the session's emulators."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator

import boto3
import httpx
import pytest

from app.adapters.site_s3 import S3SitePublisher
from app.api.app import create_app
from app.bootstrap import build_container
from app.devstack.edge.origin import site_app
from app.devstack.event_sources.dynamodb_streams import StreamPump
from app.devstack.event_sources.s3_notifications import S3EventPump
from app.devstack.ports import free_port
from app.devstack.serving import serving_in_thread
from app.devstack.stack import s3_pumps, stream_pumps
from app.settings import get_photo_settings, get_site_settings, get_welcome_settings
from app.site.pages import STATIC
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


@pytest.fixture(scope="session")
def pumps(local_aws: LocalAws, api_url: str) -> dict[str, list[StreamPump]]:
    """The stack's stream pumps by function (one per event source), calling its handler.

    The handlers are imported as Lambda imports them, with the template's environment; the
    renderer reads photos through the photos service's API, served here at `api_url`.
    """
    saved = dict(os.environ)
    os.environ.update(local_aws.api_environment(PHOTOS_API_URL=api_url))
    try:
        get_site_settings.cache_clear()
        get_welcome_settings.cache_clear()
        get_photo_settings.cache_clear()
        for module in (
            "app.handlers.render_site",
            "app.handlers.welcome_email",
            "app.handlers.thumbnails",
        ):
            importlib.reload(importlib.import_module(module))
        built = stream_pumps(local_aws.stack)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    by_function: dict[str, list[StreamPump]] = {}
    for pump in built:
        by_function.setdefault(pump.subscription.function_name, []).append(pump)
    return by_function


@pytest.fixture(scope="session")
def photo_events(local_aws: LocalAws, pumps: dict[str, list[StreamPump]]) -> S3EventPump:
    """The thumbnail function fed from the photos bucket's notification queue."""
    (pump,) = s3_pumps(local_aws.stack)  # handlers were imported with the environment above
    return pump


@pytest.fixture(scope="session")
def site(
    local_aws: LocalAws, pumps: dict[str, list[StreamPump]]
) -> Iterator[tuple[str, list[StreamPump]]]:
    """The local site origin (pages from the bucket, /api/*) and the render pump."""
    s3 = boto3.client("s3", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    bucket = local_aws.outputs["SiteBucketName"]
    S3SitePublisher(s3, bucket).put_assets(STATIC)
    api = create_app(build_container(local_aws.jwt_settings()))
    photos = local_aws.outputs["PhotosBucketName"]
    with serving_in_thread(site_app(api, s3, bucket, photos), free_port()) as url:
        yield url, pumps["RenderSiteFunction"]
