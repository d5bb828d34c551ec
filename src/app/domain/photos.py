"""Photos of blog posts: uploaded straight to S3 by authors, thumbnailed by an S3 event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Final, Protocol

from app.domain.errors import NotFound
from app.domain.identity import Caller
from app.domain.ports import Clock, IdGenerator
from app.domain.posts import AUTHORS_GROUP, NotAnAuthor

UPLOADS: Final = "uploads/"
THUMBNAILS: Final = "thumbnails/"
ALLOWED_TYPES: Final = ("image/jpeg", "image/png", "image/webp")
MAX_UPLOAD_BYTES: Final = 15 * 1024 * 1024
THUMBNAIL_SIZES: Final = (256, 1024)
UPLOAD_LIFETIME_SECONDS: Final = 600


class PhotoRejected(Exception):
    """The uploaded file cannot become thumbnails; `reason` is shown to the author."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo of a post: `pending` until thumbnailed, then `ready` or `failed`."""

    slug: str
    photo_id: str
    key: str
    status: str
    created_at: dt.datetime
    reason: str = ""
    thumbnails: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UploadTicket:
    """Where and how the author's client uploads (a presigned POST)."""

    photo: Photo
    url: str
    fields: dict[str, str]


class PhotoRepository(Protocol):
    """Photos by post."""

    def add(self, photo: Photo) -> None:
        """Insert a new photo."""

    def get(self, slug: str, photo_id: str) -> Photo | None:
        """One photo, or None."""

    def list_for(self, slug: str) -> list[Photo]:
        """A post's photos, oldest first."""

    def save(self, photo: Photo) -> None:
        """Overwrite a photo's state."""


class PhotoCatalog(Protocol):
    """What the site renderer reads of a post's photos (the photos service owns them)."""

    def list_for(self, slug: str) -> list[Photo]:
        """A post's photos, oldest first."""


class PostDirectory(Protocol):
    """Whether a post exists: the blog service answers, in process or over its REST API."""

    def exists(self, slug: str) -> bool:
        """True when a post with this slug is published."""


class UploadSigner(Protocol):
    """Presigns a POST limited to a key, content types and a size."""

    def presign_post(
        self, key: str, content_types: tuple[str, ...], max_bytes: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        """URL and form fields."""


class PhotoService:
    """Authors get an upload ticket; the thumbnail function records the outcome."""

    def __init__(
        self,
        photos: PhotoRepository,
        signer: UploadSigner,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._photos = photos
        self._signer = signer
        self._ids = ids
        self._clock = clock

    def request_upload(self, author: Caller, slug: str, posts: PostDirectory) -> UploadTicket:
        """A presigned POST for a new photo of `slug`, recorded as pending.

        `posts` is the blog service: the photos service holds no access to its table.
        """
        if AUTHORS_GROUP not in author.groups:
            raise NotAnAuthor(author.user_id)
        if not posts.exists(slug):
            raise NotFound(slug)
        photo_id = self._ids.new_id().lower()
        photo = Photo(slug, photo_id, f"{UPLOADS}{slug}/{photo_id}", "pending", self._clock.now())
        url, fields = self._signer.presign_post(
            photo.key, ALLOWED_TYPES, MAX_UPLOAD_BYTES, UPLOAD_LIFETIME_SECONDS
        )
        self._photos.add(photo)
        return UploadTicket(photo, url, fields)

    def photos_of(self, slug: str, posts: PostDirectory) -> list[Photo]:
        """A published post's photos; NotFound when the blog has no such post (deleted ones too)."""
        if not posts.exists(slug):
            raise NotFound(slug)
        return self._photos.list_for(slug)


def photo_of_key(key: str) -> tuple[str, str] | None:
    """(slug, photo id) of an upload key, or None for anything else (our own output included)."""
    if not key.startswith(UPLOADS):
        return None
    parts = key[len(UPLOADS) :].split("/")
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


def thumbnail_key(slug: str, photo_id: str, size: int, extension: str) -> str:
    """Where a thumbnail goes: outside the uploads/ prefix that triggers the function."""
    return f"{THUMBNAILS}{slug}/{photo_id}/{size}.{extension}"


class PhotoStore(Protocol):
    """The photos bucket."""

    def read(self, key: str, max_bytes: int) -> bytes | None:
        """The upload's bytes, or None when it is too large."""

    def put_thumbnail(self, key: str, data: bytes, content_type: str) -> None:
        """Store one thumbnail."""


Resizer = Callable[[bytes, tuple[int, ...]], dict[int, tuple[bytes, str]]]
_CONTENT_TYPES: Final = {"jpg": "image/jpeg", "png": "image/png"}


class Thumbnailer:
    """Turns one uploaded photo into thumbnails, once; a bad file is marked failed, not retried."""

    def __init__(self, photos: PhotoRepository, store: PhotoStore, resize: Resizer) -> None:
        self._photos = photos
        self._store = store
        self._resize = resize

    def process(self, key: str) -> str:
        """Outcome: `ignored` (not an upload: our own output included), `unknown`, `done`
        (already processed: a redelivery), `ready` or `failed`."""
        ids = photo_of_key(key)
        if ids is None:
            return "ignored"
        photo = self._photos.get(*ids)
        if photo is None:
            return "unknown"
        if photo.status != "pending":
            return "done"
        data = self._store.read(key, MAX_UPLOAD_BYTES)
        if data is None:
            reason = f"larger than {MAX_UPLOAD_BYTES} bytes"
            self._photos.save(replace(photo, status="failed", reason=reason))
            return "failed"
        try:
            thumbnails = self._resize(data, THUMBNAIL_SIZES)
        except PhotoRejected as rejected:
            self._photos.save(replace(photo, status="failed", reason=rejected.reason))
            return "failed"
        urls = {}
        for size, (blob, extension) in thumbnails.items():
            thumb_key = thumbnail_key(photo.slug, photo.photo_id, size, extension)
            self._store.put_thumbnail(thumb_key, blob, _CONTENT_TYPES[extension])
            urls[str(size)] = f"/{thumb_key}"
        self._photos.save(replace(photo, status="ready", thumbnails=urls))
        return "ready"
