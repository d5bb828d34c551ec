"""Recorded posts- and photos-stream events (events/dynamodb) through the real render handler."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import boto3
import pytest

from tests.conftest import EVENTS, LocalAws
from tests.gateways import LambdaContext

STALE = "<!doctype html><title>stale</title>"


@pytest.fixture(scope="module")
def render_module(local_aws: LocalAws) -> ModuleType:
    """The handler as RenderSiteFunction's workers import it."""
    return local_aws.import_handler(
        "app.handlers.render_site", local_aws.environment("RenderSiteFunction")
    )


@pytest.fixture(scope="module")
def site_bucket(local_aws: LocalAws) -> tuple[Any, str]:
    s3 = boto3.client("s3", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    return s3, local_aws.outputs["SiteBucketName"]


def keys(site_bucket: tuple[Any, str], prefix: str) -> set[str]:
    s3, bucket = site_bucket
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return {item["Key"] for item in listed}


def test_a_removed_post_leaves_its_page_its_month_and_the_listings(
    render_module: ModuleType, site_bucket: tuple[Any, str]
) -> None:
    """The month comes from the old image: the table no longer has the post."""
    s3, bucket = site_bucket
    for key in ("posts/spring-notes-2019/index.html", "archive/2019/03/index.html"):
        s3.put_object(Bucket=bucket, Key=key, Body=STALE.encode())
    event = json.loads((EVENTS / "dynamodb" / "post_remove.json").read_text())
    for _ in range(2):  # redelivered: the same outcome
        response = render_module.handler(event, LambdaContext("RenderSiteFunction"))
        assert response == {"batchItemFailures": []}
    assert not keys(site_bucket, "posts/spring-notes-2019/")
    assert not keys(site_bucket, "archive/2019/")
    sitemap = s3.get_object(Bucket=bucket, Key="sitemap.xml")
    assert sitemap["ContentType"] == "application/xml; charset=utf-8"
    assert b"spring-notes-2019" not in sitemap["Body"].read()
    assert b"2019" not in s3.get_object(Bucket=bucket, Key="archive/index.html")["Body"].read()


def test_a_photo_record_re_renders_its_post_from_the_tables(
    render_module: ModuleType, site_bucket: tuple[Any, str]
) -> None:
    """A photo of a post that is gone: its page stays gone, and nothing fails."""
    event = json.loads((EVENTS / "dynamodb" / "photo_ready.json").read_text())
    response = render_module.handler(event, LambdaContext("RenderSiteFunction"))
    assert response == {"batchItemFailures": []}
    assert not keys(site_bucket, "posts/spring-notes-2019/")
    s3, bucket = site_bucket
    assert s3.get_object(Bucket=bucket, Key="feed.xml")["ContentType"].startswith(
        "application/atom+xml"
    )
    robots = s3.get_object(Bucket=bucket, Key="robots.txt")
    assert robots["ContentType"] == "text/plain; charset=utf-8"
    assert b"Sitemap: " in robots["Body"].read()
