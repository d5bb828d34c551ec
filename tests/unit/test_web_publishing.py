"""The web build in the site bucket: keys, content types, what browsers and the edge keep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.adapters.site_s3 import (
    ASSET_CACHE_CONTROL,
    IMMUTABLE_CACHE_CONTROL,
    REVALIDATE_CACHE_CONTROL,
    S3SitePublisher,
)
from app.devstack.edge.web_build import local_web_config, publish_web
from app.site.web_config import web_config

OUTPUTS = {
    "Region": "eu-west-1",
    "UserPoolId": "eu-west-1_abc",
    "UserPoolClientId": "client",
    "IdentityPoolId": "eu-west-1:pool",
    "UserFilesBucketName": "files",
    "AwsEndpointUrl": "http://127.0.0.1:4566",
    "CognitoIdentityEndpoint": "http://127.0.0.1:4568",
    "UserFilesS3Endpoint": "http://127.0.0.1:4567",
}


class RecordingS3:
    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}

    def put_object(self, **call: Any) -> None:
        self.objects[call["Key"]] = call


def build(tmp_path: Path) -> Path:
    files = {
        "build.json": "{}",
        "app/index.html": "<!doctype html>",
        "app/main-AB12CD34.js": "x",
        "app/main-AB12CD34.css": "x",
        "app/chunks/files-ZZ99YY88.js": "x",
        "app/sw.js": "x",
        "app/manifest.webmanifest": "{}",
        "app/precache.json": "[]",
        "app/icons/icon-192.png": "x",
        "static/app.js": "x",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_each_file_keeps_its_page_prefix_type_and_caching(tmp_path: Path) -> None:
    s3 = RecordingS3()
    count = S3SitePublisher(s3, "site").put_web_build(build(tmp_path))
    assert count == 9
    assert "build.json" not in s3.objects  # the build's own report stays out
    expected = {
        "app/index.html": ("text/html; charset=utf-8", REVALIDATE_CACHE_CONTROL),
        "app/main-AB12CD34.js": ("text/javascript; charset=utf-8", IMMUTABLE_CACHE_CONTROL),
        "app/main-AB12CD34.css": ("text/css; charset=utf-8", IMMUTABLE_CACHE_CONTROL),
        "app/chunks/files-ZZ99YY88.js": ("text/javascript; charset=utf-8", IMMUTABLE_CACHE_CONTROL),
        "app/sw.js": ("text/javascript; charset=utf-8", REVALIDATE_CACHE_CONTROL),
        "app/manifest.webmanifest": ("application/manifest+json", REVALIDATE_CACHE_CONTROL),
        "app/precache.json": ("application/json", REVALIDATE_CACHE_CONTROL),
        "app/icons/icon-192.png": ("image/png", ASSET_CACHE_CONTROL),
        "static/app.js": ("text/javascript; charset=utf-8", REVALIDATE_CACHE_CONTROL),
    }
    assert {
        key: (call["ContentType"], call["CacheControl"]) for key, call in s3.objects.items()
    } == expected


def test_the_deployed_settings_name_no_endpoint_and_ask_for_srp() -> None:
    config = web_config(OUTPUTS)
    assert config["authFlow"] == "USER_SRP_AUTH"
    assert "endpoints" not in config
    assert config["apiBase"] == "/api/"
    assert config["userFilesBucket"] == "files"


def test_the_local_settings_point_at_the_emulators(tmp_path: Path) -> None:
    s3 = RecordingS3()
    assert publish_web(S3SitePublisher(s3, "site"), OUTPUTS, tmp_path / "not-built") == 0
    stored = s3.objects["config.json"]
    assert stored["CacheControl"] == REVALIDATE_CACHE_CONTROL
    assert json.loads(stored["Body"]) == local_web_config(OUTPUTS)
    assert local_web_config(OUTPUTS)["endpoints"] == {
        "cognitoIdp": "http://127.0.0.1:4566",
        "cognitoIdentity": "http://127.0.0.1:4568",
        "s3": "http://127.0.0.1:4567",
    }
    assert local_web_config(OUTPUTS)["authFlow"] == "USER_PASSWORD_AUTH"
