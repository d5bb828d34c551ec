"""The photos service: authors upload straight to S3; everyone sees the thumbnails."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic.config import JsonDict

from app.api.deps import API_BASE_URL_SCOPE_KEY, ContainerDep, CurrentUser, configured
from app.api.errors import PROBLEM_RESPONSES
from app.api.routing import JsonBodyRoute
from app.domain.photos import MAX_UPLOAD_BYTES, Photo, PhotoService, PostDirectory

router = APIRouter(prefix="/posts/{slug}/photos", tags=["photos"], route_class=JsonBodyRoute)
PHOTO_EXAMPLE: JsonDict = {
    "photoId": "01jd3z6q8w0m9t7k5x2r4v6b8n",
    "status": "ready",
    "reason": "",
    "contentType": "image/jpeg",
    "uploaderId": "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
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
    "contentType": "image/jpeg",
}
PhotoType = Literal["image/jpeg", "image/png", "image/webp"]  # domain.photos.ALLOWED_TYPES


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
    content_type: str = Field(description="What the uploader declared; the only type accepted.")
    uploader_id: str = Field(description="Who uploaded it: they, or an editor, may delete it.")
    thumbnails: dict[str, str] = Field(description="Largest side in px -> URL path.")
    created_at: dt.datetime

    @classmethod
    def of(cls, photo: Photo) -> PhotoOut:
        """Represent a domain photo."""
        return cls(
            photo_id=photo.photo_id,
            status=photo.status,
            reason=photo.reason,
            content_type=photo.content_type,
            uploader_id=photo.uploader_id,
            thumbnails=photo.thumbnails,
            created_at=photo.created_at,
        )


class PhotoUploadRequest(BaseModel):
    """The type of the file you will upload: S3 accepts that type only."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        json_schema_extra={"examples": [{"contentType": "image/jpeg"}]},
    )

    content_type: PhotoType


class Upload(_Out):
    """POST the file as multipart/form-data to `url` with these `fields` first, `file` last.

    The form's `Content-Type` field must stay the declared type: S3 refuses any other (403).
    """

    model_config = ConfigDict(json_schema_extra={"examples": [UPLOAD_EXAMPLE]})

    url: str
    fields: dict[str, str]
    max_bytes: int = MAX_UPLOAD_BYTES
    content_type: str


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
    summary="Start a photo upload (the post's author, or an editor)",
    responses={k: PROBLEM_RESPONSES[k] for k in (401, 403, 404, 413, 503)},
)
def create_photo_upload(
    slug: str,
    body: PhotoUploadRequest,
    user: CurrentUser,
    photos: PhotosDep,
    posts: PostsDirectoryDep,
    response: Response,
) -> UploadTicketOut:
    """A presigned POST for one JPEG, PNG or WebP file (the type declared) up to 15 MiB, for a
    new pending photo; a photo never uploaded stops being listed after an hour."""
    ticket = photos.request_upload(user, slug, body.content_type, posts)
    response.headers["Cache-Control"] = "no-store"
    upload = Upload(url=ticket.url, fields=ticket.fields, content_type=body.content_type)
    return UploadTicketOut(photo=PhotoOut.of(ticket.photo), upload=upload)


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


@router.delete(
    "/{photo_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deletePhoto",
    summary="Delete a photo and its thumbnails (its uploader, or an editor)",
    responses={k: PROBLEM_RESPONSES[k] for k in (401, 403, 404, 503)},
)
def delete_photo(slug: str, photo_id: str, user: CurrentUser, photos: PhotosDep) -> Response:
    """403 `not_yours` for another author's photo; the post's page drops it when re-rendered."""
    photos.delete(user, slug, photo_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
