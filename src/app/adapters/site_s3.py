"""The site bucket (S3) and the edge (CloudFront): where pre-rendered pages go."""

from __future__ import annotations

import json
import mimetypes
import re
import time
from pathlib import Path
from typing import Any

HTML = "text/html; charset=utf-8"
PAGE_CACHE_CONTROL = "public, max-age=60, s-maxage=31536000"  # the edge is invalidated on change
ASSET_CACHE_CONTROL = "public, max-age=300, s-maxage=86400"
# Pages that must be seen at once after a deploy (HTML, service worker, manifest, settings): the
# browser and the edge revalidate every time (an ETag round trip), never serve them stale.
REVALIDATE_CACHE_CONTROL = "no-cache"
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"  # content-hashed file names
_HASHED = re.compile(r"-[A-Z0-9]{8}\.")  # the web build's main-<hash>.js
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


def web_cache_control(name: str) -> str:
    """How long browsers and the edge may keep one file of the web build."""
    if _HASHED.search(name):
        return IMMUTABLE_CACHE_CONTROL
    if name.endswith((".html", ".webmanifest", ".json")) or name in {"sw.js", "app.js"}:
        return REVALIDATE_CACHE_CONTROL
    return ASSET_CACHE_CONTROL


class S3SitePublisher:
    """Writes pages to the site bucket with the caching the edge and browsers should apply."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    @classmethod
    def build(cls, region: str, bucket: str, endpoint_url: str | None) -> S3SitePublisher:
        """With its own S3 client."""
        import boto3  # only the render function loads boto3

        return cls(boto3.client("s3", region_name=region, endpoint_url=endpoint_url), bucket)

    def put_page(self, path: str, body: str, content_type: str = HTML) -> None:
        """Store one page (HTML unless told: the feed, the sitemap and robots.txt are not)."""
        self._s3.put_object(
            Bucket=self._bucket,
            Key=path,
            Body=body.encode("utf-8"),
            ContentType=content_type,
            CacheControl=PAGE_CACHE_CONTROL,
        )

    def put_assets(self, folder: Path, prefix: str = "static/") -> int:
        """Upload every file under `folder` below `prefix` (the assets); returns the count."""
        count = 0
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                self._s3.put_object(
                    Bucket=self._bucket,
                    Key=f"{prefix}{path.relative_to(folder).as_posix()}",
                    Body=path.read_bytes(),
                    ContentType=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                    CacheControl=ASSET_CACHE_CONTROL,
                )
                count += 1
        return count

    def put_web_build(self, folder: Path) -> int:
        """Upload the web build (`<page>/...` under `folder`) at the same keys; returns a count."""
        count = 0
        for path in sorted(folder.rglob("*")):
            key = path.relative_to(folder).as_posix()
            if path.is_file() and "/" in key:  # the build's own report at the top stays out
                self._s3.put_object(
                    Bucket=self._bucket,
                    Key=key,
                    Body=path.read_bytes(),
                    ContentType=_TYPES.get(path.suffix)
                    or mimetypes.guess_type(path.name)[0]
                    or "application/octet-stream",
                    CacheControl=web_cache_control(path.name),
                )
                count += 1
        return count

    def put_json(self, key: str, value: object) -> None:
        """Store a small JSON document the pages read at start (the site's `config.json`)."""
        self._s3.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=json.dumps(value, indent=2, sort_keys=True).encode(),
            ContentType="application/json",
            CacheControl=REVALIDATE_CACHE_CONTROL,
        )

    def delete_page(self, path: str) -> None:
        """Remove one page (S3 deletes are idempotent)."""
        self._s3.delete_object(Bucket=self._bucket, Key=path)


class CloudFrontInvalidator:
    """Invalidates changed paths in one distribution."""

    def __init__(self, cloudfront: Any, distribution_id: str) -> None:
        self._cloudfront = cloudfront
        self._distribution_id = distribution_id

    @classmethod
    def build(cls, region: str, distribution_id: str) -> CloudFrontInvalidator:
        """With its own CloudFront client."""
        import boto3

        return cls(boto3.client("cloudfront", region_name=region), distribution_id)

    def invalidate(self, paths: list[str]) -> None:
        """One invalidation batch for all paths."""
        self._cloudfront.create_invalidation(
            DistributionId=self._distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": paths},
                "CallerReference": f"render-{time.time_ns()}",
            },
        )


class NoEdge:
    """No CDN in front (the local stack): nothing to invalidate; remembers what it was asked."""

    def __init__(self) -> None:
        self.invalidated: list[list[str]] = []

    def invalidate(self, paths: list[str]) -> None:
        """Record the paths."""
        self.invalidated.append(paths)
