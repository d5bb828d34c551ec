from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RejectedWriteOut")


@_attrs_define
class RejectedWriteOut:
    """A write the storage meter deleted because it took the folder over its quota.

    Attributes:
        key (str): The object key that was written.
        bytes_ (int): Its size.
        at (datetime.datetime): When the meter deleted it.
    """

    key: str
    bytes_: int
    at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        bytes_ = self.bytes_

        at = self.at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "bytes": bytes_,
                "at": at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        bytes_ = d.pop("bytes")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        rejected_write_out = cls(
            key=key,
            bytes_=bytes_,
            at=at,
        )

        rejected_write_out.additional_properties = d
        return rejected_write_out

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
