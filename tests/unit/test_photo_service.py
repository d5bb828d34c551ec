"""Photo use cases against in-memory ports: declared types, who may add or delete, what expires."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.errors import NotFound
from app.domain.identity import Caller
from app.domain.photos import (
    MISSING_UPLOAD,
    PENDING_LIFETIME,
    Photo,
    PhotoService,
    Thumbnailer,
    UnsupportedPhotoType,
    UploadMissing,
)
from app.domain.posts import NotAnAuthor, NotYours
from tests.unit.fakes import SequentialIds, StepClock

AUTHOR = Caller("author-sub", groups=frozenset({"authors"}))
OTHER = Caller("other-sub", groups=frozenset({"authors"}))
EDITOR = Caller("editor-sub", groups=frozenset({"editors"}))
READER = Caller("reader-sub")


class Photos:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Photo] = {}

    def add(self, photo: Photo) -> None:
        self.items[(photo.slug, photo.photo_id)] = photo

    def get(self, slug: str, photo_id: str) -> Photo | None:
        return self.items.get((slug, photo_id))

    def list_for(self, slug: str) -> list[Photo]:
        return [p for (s, _), p in sorted(self.items.items()) if s == slug]

    def save(self, photo: Photo) -> None:
        self.items[(photo.slug, photo.photo_id)] = photo

    def remove(self, slug: str, photo_id: str) -> None:
        self.items.pop((slug, photo_id), None)


class Bucket:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.signed: list[tuple[str, str]] = []

    def presign_post(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        self.signed.append((key, content_type))
        return "https://bucket/", {"key": key, "Content-Type": content_type}

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            self.objects.pop(key, None)

    def read(self, key: str, max_bytes: int) -> bytes | None:
        if key not in self.objects:
            raise UploadMissing(key)
        return self.objects[key]

    def put_thumbnail(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = data


class Blog:
    def author_of(self, slug: str) -> str | None:
        return AUTHOR.user_id if slug == "hello" else None


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def photos() -> Photos:
    return Photos()


@pytest.fixture
def bucket() -> Bucket:
    return Bucket()


@pytest.fixture
def service(photos: Photos, bucket: Bucket, clock: StepClock) -> PhotoService:
    return PhotoService(photos, bucket, SequentialIds(), clock)


def test_the_ticket_pins_the_declared_type_and_records_who_uploads(
    service: PhotoService, bucket: Bucket
) -> None:
    ticket = service.request_upload(AUTHOR, "hello", "image/png", Blog())
    assert bucket.signed == [(ticket.photo.key, "image/png")]
    assert ticket.fields["Content-Type"] == "image/png"
    photo = ticket.photo
    assert (photo.status, photo.uploader_id, photo.content_type) == (
        "pending", AUTHOR.user_id, "image/png",
    )  # fmt: skip
    assert photo.expires_at == photo.created_at + PENDING_LIFETIME


@pytest.mark.parametrize("content_type", ["image/gif", "image/svg+xml", "image/*", "text/html"])
def test_other_types_are_refused_before_anything_is_signed(
    service: PhotoService, bucket: Bucket, photos: Photos, content_type: str
) -> None:
    with pytest.raises(UnsupportedPhotoType):
        service.request_upload(AUTHOR, "hello", content_type, Blog())
    assert (bucket.signed, photos.items) == ([], {})


@pytest.mark.parametrize(
    ("caller", "slug", "error"),
    [(READER, "hello", NotAnAuthor), (OTHER, "hello", NotYours), (AUTHOR, "nope", NotFound)],
)
def test_only_the_posts_author_or_an_editor_adds_photos(
    service: PhotoService, photos: Photos, caller: Caller, slug: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        service.request_upload(caller, slug, "image/jpeg", Blog())
    assert photos.items == {}
    assert service.request_upload(EDITOR, "hello", "image/jpeg", Blog()).photo.uploader_id == (
        EDITOR.user_id
    )


def test_stale_pending_photos_are_not_listed(
    service: PhotoService, photos: Photos, clock: StepClock
) -> None:
    stale = service.request_upload(AUTHOR, "hello", "image/jpeg", Blog()).photo
    fresh = service.request_upload(AUTHOR, "hello", "image/jpeg", Blog()).photo
    photos.save(replace(stale, expires_at=clock.current))  # its hour is up
    listed = [p.photo_id for p in service.photos_of("hello", Blog())]
    assert listed == [fresh.photo_id]
    clock.current += PENDING_LIFETIME
    assert service.photos_of("hello", Blog()) == []
    photos.save(replace(stale, status="ready", expires_at=None))
    assert [p.photo_id for p in service.photos_of("hello", Blog())] == [stale.photo_id]


def test_the_uploader_or_an_editor_deletes_a_photo_and_its_files(
    service: PhotoService, photos: Photos, bucket: Bucket
) -> None:
    photo = service.request_upload(AUTHOR, "hello", "image/jpeg", Blog()).photo
    thumbnails = {"256": f"/thumbnails/hello/{photo.photo_id}/256.jpg"}
    photos.save(replace(photo, status="ready", thumbnails=thumbnails))
    bucket.objects = {photo.key: b"x", thumbnails["256"].lstrip("/"): b"t", "other": b"o"}
    for refused, error in [(READER, NotAnAuthor), (OTHER, NotYours)]:
        with pytest.raises(error):
            service.delete(refused, "hello", photo.photo_id)
    assert len(bucket.objects) == 3
    service.delete(EDITOR, "hello", photo.photo_id)
    assert (bucket.objects, photos.items) == ({"other": b"o"}, {})
    with pytest.raises(NotFound):
        service.delete(AUTHOR, "hello", photo.photo_id)


def test_a_vanished_upload_is_marked_failed_not_retried(
    service: PhotoService, photos: Photos, bucket: Bucket
) -> None:
    photo = service.request_upload(AUTHOR, "hello", "image/jpeg", Blog()).photo
    thumbnailer = Thumbnailer(photos, bucket, lambda *_: {})
    assert thumbnailer.process(photo.key) == "failed"
    stored = photos.items[(photo.slug, photo.photo_id)]
    assert (stored.status, stored.reason, stored.expires_at) == ("failed", MISSING_UPLOAD, None)
    assert thumbnailer.process(photo.key) == "done"  # a redelivery changes nothing


def test_the_declared_type_reaches_the_decoder(
    service: PhotoService, photos: Photos, bucket: Bucket
) -> None:
    photo = service.request_upload(AUTHOR, "hello", "image/webp", Blog()).photo
    bucket.objects[photo.key] = b"bytes"
    seen: list[str] = []

    def resize(data: bytes, sizes: tuple[int, ...], kind: str) -> dict[int, tuple[bytes, str]]:
        seen.append(kind)
        return {256: (b"thumb", "jpg")}

    assert Thumbnailer(photos, bucket, resize).process(photo.key) == "ready"
    assert seen == ["image/webp"]
    ready = photos.items[(photo.slug, photo.photo_id)]
    assert (ready.status, ready.expires_at) == ("ready", None)
