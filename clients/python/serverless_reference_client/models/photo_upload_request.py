from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.photo_upload_request_contenttype import PhotoUploadRequestContenttype

T = TypeVar("T", bound="PhotoUploadRequest")


@_attrs_define
class PhotoUploadRequest:
    """The type of the file you will upload: S3 accepts that type only.

    Attributes:
        content_type (PhotoUploadRequestContenttype):
    """

    content_type: PhotoUploadRequestContenttype

    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "contentType": content_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = PhotoUploadRequestContenttype(d.pop("contentType"))

        photo_upload_request = cls(
            content_type=content_type,
        )

        return photo_upload_request
