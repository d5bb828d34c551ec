from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.photo_out_thumbnails import PhotoOutThumbnails


T = TypeVar("T", bound="PhotoOut")


@_attrs_define
class PhotoOut:
    """A photo: `pending` until thumbnailed, then `ready` (with thumbnails) or `failed`.

    Attributes:
        photo_id (str):
        status (str):
        content_type (str): What the uploader declared; the only type accepted.
        uploader_id (str): Who uploaded it: they, or an editor, may delete it.
        thumbnails (PhotoOutThumbnails): Largest side in px -> URL path.
        created_at (datetime.datetime):
        reason (str | Unset):  Default: ''.
    """

    photo_id: str
    status: str
    content_type: str
    uploader_id: str
    thumbnails: PhotoOutThumbnails
    created_at: datetime.datetime
    reason: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        photo_id = self.photo_id

        status = self.status

        content_type = self.content_type

        uploader_id = self.uploader_id

        thumbnails = self.thumbnails.to_dict()

        created_at = self.created_at.isoformat()

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "photoId": photo_id,
                "status": status,
                "contentType": content_type,
                "uploaderId": uploader_id,
                "thumbnails": thumbnails,
                "createdAt": created_at,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.photo_out_thumbnails import PhotoOutThumbnails  # noqa: PLC0415

        d = dict(src_dict)
        photo_id = d.pop("photoId")

        status = d.pop("status")

        content_type = d.pop("contentType")

        uploader_id = d.pop("uploaderId")

        thumbnails = PhotoOutThumbnails.from_dict(d.pop("thumbnails"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        reason = d.pop("reason", UNSET)

        photo_out = cls(
            photo_id=photo_id,
            status=status,
            content_type=content_type,
            uploader_id=uploader_id,
            thumbnails=thumbnails,
            created_at=created_at,
            reason=reason,
        )

        photo_out.additional_properties = d
        return photo_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
