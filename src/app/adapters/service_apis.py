"""Sibling services over their public REST API: how one service reads another's data.

No service holds IAM access to another's tables or buckets; where it needs their data it asks
the owning service, as any client would. Failures become `DependencyUnavailable` (503).
"""

from __future__ import annotations

import datetime as dt
import uuid
import weakref
from typing import Any
from urllib.parse import quote

import httpx

from app.domain.errors import DependencyUnavailable
from app.domain.photos import Photo

TIMEOUT = httpx.Timeout(3.0, connect=1.0)


def http_client() -> httpx.Client:
    """One pooled client per process, shared by every sibling-service adapter."""
    transport = httpx.HTTPTransport()
    client = httpx.Client(
        timeout=TIMEOUT, headers={"Accept": "application/json"}, transport=transport
    )
    # On Lambda it lives as long as the process; where a container is dropped (tests, a reload),
    # its idle keep-alive connections close with it instead of leaking their sockets.
    weakref.finalize(client, transport.close)
    return client


class BlogApi:
    """The blog service's `GET /posts/{slug}`, as a `PostDirectory`."""

    def __init__(self, base_url: str, client: httpx.Client) -> None:
        self._base = base_url.rstrip("/")
        self._client = client

    def author_of(self, slug: str) -> str | None:
        """The post's `authorId` on 200, None on 404; anything else means the blog service is
        unavailable.

        Asked past the stage cache (a `fresh` value never used before is a new cache key): a
        post deleted or created a moment ago must not look as it did up to a TTL ago.
        """
        url = f"{self._base}/posts/{quote(slug, safe='')}"
        response = _get(self._client, url, params={"fresh": uuid.uuid4().hex})
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        _require_ok(response, "the blog service")
        try:
            return str(response.json()["authorId"])
        except (ValueError, KeyError, TypeError) as error:
            raise DependencyUnavailable("the blog service answered in an unknown shape") from error


class PhotosApi:
    """The photos service's `GET /posts/{slug}/photos`, as a `PhotoCatalog`."""

    def __init__(self, base_url: str, client: httpx.Client) -> None:
        self._base = base_url.rstrip("/")
        self._client = client

    def list_for(self, slug: str) -> list[Photo]:
        """A post's photos, oldest first (a post deleted meanwhile has none)."""
        response = _get(self._client, f"{self._base}/posts/{quote(slug, safe='')}/photos")
        if response.status_code == httpx.codes.NOT_FOUND:
            return []
        _require_ok(response, "the photos service")
        try:
            return [_photo(slug, item) for item in response.json()["items"]]
        except (ValueError, KeyError, TypeError) as error:
            raise DependencyUnavailable(
                "the photos service answered in an unknown shape"
            ) from error


def _get(client: httpx.Client, url: str, params: dict[str, str] | None = None) -> httpx.Response:
    try:
        return client.get(url, params=params)
    except httpx.HTTPError as error:
        raise DependencyUnavailable(f"{type(error).__name__} calling a sibling service") from error


def _require_ok(response: httpx.Response, what: str) -> None:
    if response.status_code != httpx.codes.OK:
        raise DependencyUnavailable(f"{what} answered {response.status_code}")


def _photo(slug: str, item: dict[str, Any]) -> Photo:
    photo_id = str(item["photoId"])
    return Photo(
        slug=slug,
        photo_id=photo_id,
        key=f"uploads/{slug}/{photo_id}",
        status=str(item["status"]),
        created_at=dt.datetime.fromisoformat(str(item["createdAt"])),
        reason=str(item.get("reason", "")),
        thumbnails={str(k): str(v) for k, v in dict(item["thumbnails"]).items()},
        uploader_id=str(item.get("uploaderId", "")),
        content_type=str(item.get("contentType", "image/jpeg")),
    )
