from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.photo_out import PhotoOut
    from ..models.upload import Upload


T = TypeVar("T", bound="UploadTicketOut")


@_attrs_define
class UploadTicketOut:
    """The pending photo and how to upload it.

    Attributes:
        photo (PhotoOut): A photo: `pending` until thumbnailed, then `ready` (with thumbnails) or `failed`.
        upload (Upload): POST the file as multipart/form-data to `url` with these `fields` first, `file` last.

            The form's `Content-Type` field must stay the declared type: S3 refuses any other (403).
    """

    photo: PhotoOut
    upload: Upload
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        photo = self.photo.to_dict()

        upload = self.upload.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "photo": photo,
                "upload": upload,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.photo_out import PhotoOut  # noqa: PLC0415
        from ..models.upload import Upload  # noqa: PLC0415

        d = dict(src_dict)
        photo = PhotoOut.from_dict(d.pop("photo"))

        upload = Upload.from_dict(d.pop("upload"))

        upload_ticket_out = cls(
            photo=photo,
            upload=upload,
        )

        upload_ticket_out.additional_properties = d
        return upload_ticket_out

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
