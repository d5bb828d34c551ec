"""Photos in DynamoDB (PynamoDB) and S3 (presigned POST, uploads in, thumbnails out)."""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from app.adapters.todos_dynamodb import bind_to_table, translated_errors
from app.domain.photos import Photo


class PhotoItem(Model):
    """Attribute layout of the photos table (its stream re-renders the post's page)."""

    slug = UnicodeAttribute(hash_key=True)
    photo_id = UnicodeAttribute(range_key=True, attr_name="photoId")
    key = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    reason = UnicodeAttribute(default="")
    thumbnails = UnicodeAttribute(default="{}")  # JSON: size -> URL path


def bind_photo_model(table_name: str, region: str, host: str | None = None) -> type[PhotoItem]:
    """A model bound to one photos table."""

    class BoundPhotoItem(PhotoItem):
        class Meta:
            pass

    bind_to_table(BoundPhotoItem, table_name, region, host)
    return BoundPhotoItem


class DynamoPhotoRepository:
    """PhotoRepository on DynamoDB."""

    def __init__(self, model: type[PhotoItem]) -> None:
        self._model = model

    def add(self, photo: Photo) -> None:
        """Insert a new photo (its id is new)."""
        with translated_errors():
            self._item(photo).save(condition=self._model.photo_id.does_not_exist())

    def get(self, slug: str, photo_id: str) -> Photo | None:
        """Strongly consistent read."""
        with translated_errors():
            try:
                item = self._model.get(slug, photo_id, consistent_read=True)
            except self._model.DoesNotExist:
                return None
        return _photo(item)

    def list_for(self, slug: str) -> list[Photo]:
        """A post's photos, oldest first (ids sort by time)."""
        with translated_errors():
            return [_photo(item) for item in self._model.query(slug, consistent_read=True)]

    def save(self, photo: Photo) -> None:
        """Overwrite."""
        with translated_errors():
            self._item(photo).save()

    def _item(self, photo: Photo) -> PhotoItem:
        return self._model(
            photo.slug,
            photo.photo_id,
            key=photo.key,
            status=photo.status,
            created_at=photo.created_at,
            reason=photo.reason,
            thumbnails=json.dumps(photo.thumbnails, sort_keys=True),
        )


def _photo(item: PhotoItem) -> Photo:
    return Photo(
        slug=item.slug,
        photo_id=item.photo_id,
        key=item.key,
        status=item.status,
        created_at=item.created_at,
        reason=item.reason or "",
        thumbnails=json.loads(item.thumbnails or "{}"),
    )


class S3PhotoStore:
    """The photos bucket: presigned uploads, reading them, writing thumbnails."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    @classmethod
    def build(cls, region: str, bucket: str, endpoint_url: str | None) -> S3PhotoStore:
        """With its own S3 client."""
        import boto3

        return cls(boto3.client("s3", region_name=region, endpoint_url=endpoint_url), bucket)

    def presign_post(
        self, key: str, content_types: tuple[str, ...], max_bytes: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        """A POST policy for exactly this key, these types and at most `max_bytes`."""
        conditions: list[Any] = [
            ["content-length-range", 1, max_bytes],
            ["starts-with", "$Content-Type", "image/"],
        ]
        post = self._s3.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields={"Content-Type": content_types[0]},
            Conditions=conditions,
            ExpiresIn=expires_in,
        )
        return post["url"], {k: str(v) for k, v in post["fields"].items()}

    def read(self, key: str, max_bytes: int) -> bytes | None:
        """The object's bytes, or None when it is over `max_bytes`."""
        obj = self._s3.get_object(Bucket=self._bucket, Key=key)
        if obj["ContentLength"] > max_bytes:
            obj["Body"].close()
            return None
        data: bytes = obj["Body"].read()
        return data

    def put_thumbnail(self, key: str, data: bytes, content_type: str) -> None:
        """Store one thumbnail (public through the distribution's /thumbnails/* behaviour)."""
        self._s3.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            CacheControl="public, max-age=31536000, immutable",
        )
