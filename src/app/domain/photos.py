"""Photos of blog posts: uploaded straight to S3 by authors, thumbnailed by an S3 event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Final, Protocol

from app.domain.errors import DomainError, NotFound
from app.domain.identity import Caller
from app.domain.ports import Clock, IdGenerator
from app.domain.posts import is_valid_slug, require_may_change, require_writer

UPLOADS: Final = "uploads/"
THUMBNAILS: Final = "thumbnails/"
# What the API promises and the thumbnailer opens; the upload declares one, and only that one
# is accepted: by the presigned POST's policy, then by the decoder.
ALLOWED_TYPES: Final = ("image/jpeg", "image/png", "image/webp")
MAX_UPLOAD_BYTES: Final = 15 * 1024 * 1024
THUMBNAIL_SIZES: Final = (256, 1024)
UPLOAD_LIFETIME_SECONDS: Final = 600
# A photo still pending this long after its ticket was never uploaded, or its event was lost:
# it disappears from listings at once, and the table's TTL deletes it later.
PENDING_LIFETIME: Final = dt.timedelta(hours=1)
MISSING_UPLOAD: Final = "the upload was not found (deleted before it was processed)"


class UnsupportedPhotoType(DomainError):
    """The declared type is not one of ALLOWED_TYPES."""

    code = "unsupported_photo_type"


class UploadMissing(Exception):
    """The uploaded object is gone by the time it is processed."""


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
    uploader_id: str = ""
    content_type: str = "image/jpeg"
    expires_at: dt.datetime | None = None  # only while pending

    def is_stale(self, now: dt.datetime) -> bool:
        """Pending past its lifetime: never uploaded, or its event never came."""
        return self.status == "pending" and self.expires_at is not None and self.expires_at <= now


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

    def remove(self, slug: str, photo_id: str) -> None:
        """Delete a photo's record (absent is fine)."""


class PhotoCatalog(Protocol):
    """What the site renderer reads of a post's photos (the photos service owns them)."""

    def list_for(self, slug: str) -> list[Photo]:
        """A post's photos, oldest first."""


class PostDirectory(Protocol):
    """Who wrote a post: the blog service answers, in process or over its REST API."""

    def author_of(self, slug: str) -> str | None:
        """The author's user id, or None when no post has this slug."""


class PhotoUploads(Protocol):
    """The bucket as the API sees it: presigned POSTs in, whole photos out."""

    def presign_post(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        """URL and form fields of a POST limited to one key, one content type and a size."""

    def delete(self, keys: list[str]) -> None:
        """Delete these objects (absent ones are fine)."""


class PhotoService:
    """Authors get an upload ticket; the thumbnail function records the outcome."""

    def __init__(
        self,
        photos: PhotoRepository,
        uploads: PhotoUploads,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._photos = photos
        self._uploads = uploads
        self._ids = ids
        self._clock = clock

    def request_upload(
        self, author: Caller, slug: str, content_type: str, posts: PostDirectory
    ) -> UploadTicket:
        """A presigned POST for a new photo of `slug` in `content_type`, recorded as pending.

        Only the post's author (or an editor) adds its photos. `posts` is the blog service: the
        photos service holds no access to its table.
        """
        owner = self._post_owner(author, slug, posts)
        require_may_change(author, owner)
        if content_type not in ALLOWED_TYPES:
            raise UnsupportedPhotoType(content_type)
        photo_id = self._ids.new_id().lower()
        now = self._clock.now()
        photo = Photo(
            slug,
            photo_id,
            f"{UPLOADS}{slug}/{photo_id}",
            "pending",
            now,
            uploader_id=author.user_id,
            content_type=content_type,
            expires_at=now + PENDING_LIFETIME,
        )
        url, fields = self._uploads.presign_post(
            photo.key, content_type, MAX_UPLOAD_BYTES, UPLOAD_LIFETIME_SECONDS
        )
        self._photos.add(photo)
        return UploadTicket(photo, url, fields)

    def photos_of(self, slug: str, posts: PostDirectory) -> list[Photo]:
        """A published post's photos; NotFound when the blog has no such post (deleted ones too).

        Stale pending photos are left out: DynamoDB's TTL deletes expired items only eventually
        (AWS: "typically within a few days"), and until then reads still return them.
        """
        if not is_valid_slug(slug) or posts.author_of(slug) is None:
            raise NotFound(slug)
        now = self._clock.now()
        return [photo for photo in self._photos.list_for(slug) if not photo.is_stale(now)]

    def delete(self, caller: Caller, slug: str, photo_id: str) -> None:
        """Delete a photo and its files: whoever uploaded it, or an editor."""
        photo = self._photos.get(slug, photo_id)
        if photo is None:
            raise NotFound(photo_id)
        require_may_change(caller, photo.uploader_id)
        # Files first: should the record's delete fail, a retry still finds the photo.
        self._uploads.delete([photo.key, *(url.lstrip("/") for url in photo.thumbnails.values())])
        self._photos.remove(slug, photo_id)

    @staticmethod
    def _post_owner(caller: Caller, slug: str, posts: PostDirectory) -> str:
        require_writer(caller)
        owner = posts.author_of(slug) if is_valid_slug(slug) else None
        if owner is None:
            raise NotFound(slug)
        return owner


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
        """The upload's bytes, or None when it is too large; UploadMissing when it is gone."""

    def put_thumbnail(self, key: str, data: bytes, content_type: str) -> None:
        """Store one thumbnail."""


# (upload, sizes, declared content type) -> size -> (thumbnail bytes, extension).
Resizer = Callable[[bytes, tuple[int, ...], str], dict[int, tuple[bytes, str]]]
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
        try:
            data = self._store.read(key, MAX_UPLOAD_BYTES)
        except UploadMissing:
            return self._fail(photo, MISSING_UPLOAD)
        if data is None:
            return self._fail(photo, f"larger than {MAX_UPLOAD_BYTES} bytes")
        try:
            thumbnails = self._resize(data, THUMBNAIL_SIZES, photo.content_type)
        except PhotoRejected as rejected:
            return self._fail(photo, rejected.reason)
        urls = {}
        for size, (blob, extension) in thumbnails.items():
            thumb_key = thumbnail_key(photo.slug, photo.photo_id, size, extension)
            self._store.put_thumbnail(thumb_key, blob, _CONTENT_TYPES[extension])
            urls[str(size)] = f"/{thumb_key}"
        self._photos.save(replace(photo, status="ready", thumbnails=urls, expires_at=None))
        return "ready"

    def _fail(self, photo: Photo, reason: str) -> str:
        """Marked, not retried: the author sees why."""
        self._photos.save(replace(photo, status="failed", reason=reason, expires_at=None))
        return "failed"
