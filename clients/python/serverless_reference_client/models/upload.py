from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.upload_fields import UploadFields


T = TypeVar("T", bound="Upload")


@_attrs_define
class Upload:
    """POST the file as multipart/form-data to `url` with these `fields` first, `file` last.

    The form's `Content-Type` field must stay the declared type: S3 refuses any other (403).

        Attributes:
            url (str):
            fields (UploadFields):
            content_type (str):
            max_bytes (int | Unset):  Default: 15728640.
    """

    url: str
    fields: UploadFields
    content_type: str
    max_bytes: int | Unset = 15728640
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        fields = self.fields.to_dict()

        content_type = self.content_type

        max_bytes = self.max_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
                "fields": fields,
                "contentType": content_type,
            }
        )
        if max_bytes is not UNSET:
            field_dict["maxBytes"] = max_bytes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.upload_fields import UploadFields  # noqa: PLC0415

        d = dict(src_dict)
        url = d.pop("url")

        fields = UploadFields.from_dict(d.pop("fields"))

        content_type = d.pop("contentType")

        max_bytes = d.pop("maxBytes", UNSET)

        upload = cls(
            url=url,
            fields=fields,
            content_type=content_type,
            max_bytes=max_bytes,
        )

        upload.additional_properties = d
        return upload

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
