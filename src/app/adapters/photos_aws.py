"""Photos in DynamoDB (PynamoDB) and S3 (presigned POST, uploads in, thumbnails out)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from app.adapters.todos_dynamodb import bind_to_table, translated_errors
from app.domain.photos import Photo, UploadMissing


class PhotoItem(Model):
    """Attribute layout of the photos table (its stream re-renders the post's page)."""

    slug = UnicodeAttribute(hash_key=True)
    photo_id = UnicodeAttribute(range_key=True, attr_name="photoId")
    key = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    reason = UnicodeAttribute(default="")
    thumbnails = UnicodeAttribute(default="{}")  # JSON: size -> URL path
    uploader_id = UnicodeAttribute(default="", attr_name="uploaderId")
    content_type = UnicodeAttribute(default="image/jpeg", attr_name="contentType")
    # The table's TTL attribute (template: TimeToLiveSpecification): set while pending only.
    expires_at = TTLAttribute(null=True, attr_name="expiresAt")


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

    def remove(self, slug: str, photo_id: str) -> None:
        """Delete the record (absent is fine)."""
        with translated_errors():
            self._model(slug, photo_id).delete()

    def _item(self, photo: Photo) -> PhotoItem:
        return self._model(
            photo.slug,
            photo.photo_id,
            key=photo.key,
            status=photo.status,
            created_at=photo.created_at,
            reason=photo.reason,
            thumbnails=json.dumps(photo.thumbnails, sort_keys=True),
            uploader_id=photo.uploader_id,
            content_type=photo.content_type,
            expires_at=photo.expires_at,
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
        uploader_id=item.uploader_id or "",
        content_type=item.content_type or "image/jpeg",
        expires_at=item.expires_at,
    )


class S3PhotoStore:
    """The photos bucket: presigned uploads, reading them, writing thumbnails."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    @classmethod
    def build(cls, region: str, bucket: str, endpoint_url: str | None) -> S3PhotoStore:
        """With its own S3 client, signing with SigV4: presigned POSTs signed with SigV2 are
        refused by every region opened since 2014, and SigV2 is deprecated everywhere."""
        import boto3
        from botocore.config import Config

        config = Config(signature_version="s3v4")
        return cls(
            boto3.client("s3", region_name=region, endpoint_url=endpoint_url, config=config), bucket
        )

    def presign_post(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        """A POST policy for exactly this key, exactly this type and at most `max_bytes`.

        A field given in `Fields` is not added to the policy by boto3 (its docs: "you must
        specify a condition for the element as well"), so the type is pinned by an exact-match
        condition: S3 refuses a form whose Content-Type differs (403, "Policy Condition failed").
        """
        conditions: list[Any] = [
            ["content-length-range", 1, max_bytes],
            {"Content-Type": content_type},
        ]
        post = self._s3.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=conditions,
            ExpiresIn=expires_in,
        )
        return post["url"], {k: str(v) for k, v in post["fields"].items()}

    def delete(self, keys: list[str]) -> None:
        """Delete these objects; S3 answers success for keys that do not exist."""
        if keys:
            self._s3.delete_objects(
                Bucket=self._bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True}
            )

    def read(self, key: str, max_bytes: int) -> bytes | None:
        """The object's bytes, or None when it is over `max_bytes`; UploadMissing when gone."""
        try:
            obj = self._s3.get_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise UploadMissing(key) from error
            raise
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
