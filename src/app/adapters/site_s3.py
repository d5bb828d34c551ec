"""The site bucket (S3) and the edge (CloudFront): where pre-rendered pages go."""

from __future__ import annotations

import mimetypes
import time
from pathlib import Path
from typing import Any

HTML = "text/html; charset=utf-8"
PAGE_CACHE_CONTROL = "public, max-age=60, s-maxage=31536000"  # the edge is invalidated on change
ASSET_CACHE_CONTROL = "public, max-age=300, s-maxage=86400"


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
