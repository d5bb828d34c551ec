from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StorageOut")


@_attrs_define
class StorageOut:
    """Where the caller's files live and how to get credentials for them.

    Attributes:
        bucket (str):
        prefix (str): `private/<identity id>/`: the only folder you may use.
        region (str):
        identity_pool_id (str):
        login_provider (str): The `Logins` key for GetId / GetCredentialsForIdentity.
    """

    bucket: str
    prefix: str
    region: str
    identity_pool_id: str
    login_provider: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bucket = self.bucket

        prefix = self.prefix

        region = self.region

        identity_pool_id = self.identity_pool_id

        login_provider = self.login_provider

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bucket": bucket,
                "prefix": prefix,
                "region": region,
                "identityPoolId": identity_pool_id,
                "loginProvider": login_provider,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bucket = d.pop("bucket")

        prefix = d.pop("prefix")

        region = d.pop("region")

        identity_pool_id = d.pop("identityPoolId")

        login_provider = d.pop("loginProvider")

        storage_out = cls(
            bucket=bucket,
            prefix=prefix,
            region=region,
            identity_pool_id=identity_pool_id,
            login_provider=login_provider,
        )

        storage_out.additional_properties = d
        return storage_out

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
