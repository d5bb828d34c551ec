"""The photos service: authors upload straight to S3; everyone sees the thumbnails."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic.config import JsonDict

from app.api.deps import API_BASE_URL_SCOPE_KEY, ContainerDep, CurrentUser, configured
from app.api.errors import PROBLEM_RESPONSES
from app.api.routing import JsonBodyRoute
from app.domain.photos import ALLOWED_TYPES, MAX_UPLOAD_BYTES, Photo, PhotoService, PostDirectory

router = APIRouter(prefix="/posts/{slug}/photos", tags=["photos"], route_class=JsonBodyRoute)
PHOTO_EXAMPLE: JsonDict = {
    "photoId": "01jd3z6q8w0m9t7k5x2r4v6b8n",
    "status": "ready",
    "reason": "",
    "thumbnails": {
        "256": "/thumbnails/hello-world/01jd3z6q8w0m9t7k5x2r4v6b8n/256.jpg",
        "1024": "/thumbnails/hello-world/01jd3z6q8w0m9t7k5x2r4v6b8n/1024.jpg",
    },
    "createdAt": "2026-11-27T09:30:00.000Z",
}
UPLOAD_EXAMPLE: JsonDict = {
    "url": "https://serverless-reference-dev-photos-123456789012.s3.amazonaws.com/",
    "fields": {
        "key": "uploads/hello-world/01jd3z6q8w0m9t7k5x2r4v6b8n",
        "Content-Type": "image/jpeg",
        "policy": "eyJleHBpcmF0aW9uIjogIjIwMjYtMTEtMjdUMTA6MDA6MDBaIn0=",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": "ASIAEXAMPLE/20261127/us-east-1/s3/aws4_request",
        "x-amz-date": "20261127T093000Z",
        "x-amz-signature": "0f1e2d3c4b5a69788695a4b3c2d1e0f9",
    },
    "maxBytes": 15728640,
    "contentTypes": ["image/jpeg", "image/png", "image/webp"],
}


def get_photos(container: ContainerDep) -> PhotoService:
    """The photo use cases (needs PHOTOS_TABLE and PHOTOS_BUCKET)."""
    return configured(container.photos, "photos")


PhotosDep = Annotated[PhotoService, Depends(get_photos)]


def get_post_directory(request: Request, container: ContainerDep) -> PostDirectory:
    """The blog service: in this process, or its REST API on the API this request came through."""
    directory = configured(container.post_directory, "photos")
    return directory(str(request.scope.get(API_BASE_URL_SCOPE_KEY, "")))


PostsDirectoryDep = Annotated[PostDirectory, Depends(get_post_directory)]


class _Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class PhotoOut(_Out):
    """A photo: `pending` until thumbnailed, then `ready` (with thumbnails) or `failed`."""

    model_config = ConfigDict(json_schema_extra={"examples": [PHOTO_EXAMPLE]})

    photo_id: str
    status: str
    reason: str = ""
    thumbnails: dict[str, str] = Field(description="Largest side in px -> URL path.")
    created_at: dt.datetime

    @classmethod
    def of(cls, photo: Photo) -> PhotoOut:
        """Represent a domain photo."""
        return cls(
            photo_id=photo.photo_id,
            status=photo.status,
            reason=photo.reason,
            thumbnails=photo.thumbnails,
            created_at=photo.created_at,
        )


class Upload(_Out):
    """POST the file as multipart/form-data to `url` with these `fields` first, `file` last."""

    model_config = ConfigDict(json_schema_extra={"examples": [UPLOAD_EXAMPLE]})

    url: str
    fields: dict[str, str]
    max_bytes: int = MAX_UPLOAD_BYTES
    content_types: list[str] = Field(default_factory=lambda: list(ALLOWED_TYPES))


class UploadTicketOut(_Out):
    """The pending photo and how to upload it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "photo": {**PHOTO_EXAMPLE, "status": "pending", "thumbnails": {}},
                    "upload": UPLOAD_EXAMPLE,
                }
            ]
        }
    )

    photo: PhotoOut
    upload: Upload


class PhotoList(_Out):
    """A post's photos, oldest first."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [PHOTO_EXAMPLE]}]})

    items: list[PhotoOut]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadTicketOut,
    operation_id="createPhotoUpload",
    summary="Start a photo upload (authors)",
    responses={k: PROBLEM_RESPONSES[k] for k in (401, 403, 404, 503)},
)
def create_photo_upload(
    slug: str, user: CurrentUser, photos: PhotosDep, posts: PostsDirectoryDep, response: Response
) -> UploadTicketOut:
    """A presigned POST limited to JPEG, PNG and WebP up to 15 MiB, for a new pending photo."""
    ticket = photos.request_upload(user, slug, posts)
    response.headers["Cache-Control"] = "no-store"
    return UploadTicketOut(
        photo=PhotoOut.of(ticket.photo), upload=Upload(url=ticket.url, fields=ticket.fields)
    )


@router.get(
    "",
    response_model=PhotoList,
    operation_id="listPhotos",
    summary="A post's photos and their status",
    responses={k: PROBLEM_RESPONSES[k] for k in (404, 503)},
    openapi_extra={"security": []},
)
def list_photos(
    slug: str, photos: PhotosDep, posts: PostsDirectoryDep, response: Response
) -> PhotoList:
    """Public; 404 when the post does not exist (or was deleted)."""
    items = photos.photos_of(slug, posts)
    response.headers["Cache-Control"] = "public, max-age=10, s-maxage=10"
    return PhotoList(items=[PhotoOut.of(p) for p in items])
