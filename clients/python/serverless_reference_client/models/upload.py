from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.upload_fields import UploadFields


T = TypeVar("T", bound="Upload")


@_attrs_define
class Upload:
    """POST the file as multipart/form-data to `url` with these `fields` first, `file` last.

    Attributes:
        url (str):
        fields (UploadFields):
        max_bytes (int | Unset):  Default: 15728640.
        content_types (list[str] | Unset):
    """

    url: str
    fields: UploadFields
    max_bytes: int | Unset = 15728640
    content_types: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        fields = self.fields.to_dict()

        max_bytes = self.max_bytes

        content_types: list[str] | Unset = UNSET
        if not isinstance(self.content_types, Unset):
            content_types = self.content_types

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
                "fields": fields,
            }
        )
        if max_bytes is not UNSET:
            field_dict["maxBytes"] = max_bytes
        if content_types is not UNSET:
            field_dict["contentTypes"] = content_types

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.upload_fields import UploadFields  # noqa: PLC0415

        d = dict(src_dict)
        url = d.pop("url")

        fields = UploadFields.from_dict(d.pop("fields"))

        max_bytes = d.pop("maxBytes", UNSET)

        content_types = cast(list[str], d.pop("contentTypes", UNSET))

        upload = cls(
            url=url,
            fields=fields,
            max_bytes=max_bytes,
            content_types=content_types,
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
