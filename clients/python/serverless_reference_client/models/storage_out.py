from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rejected_write_out import RejectedWriteOut


T = TypeVar("T", bound="StorageOut")


@_attrs_define
class StorageOut:
    """Where the caller's files live, how to get credentials for them, and how full it is.

    Attributes:
        bucket (str):
        prefix (str): `private/<identity id>/`: the only folder you may use.
        region (str):
        identity_pool_id (str):
        login_provider (str): The `Logins` key for GetId / GetCredentialsForIdentity.
        used_bytes (int): Bytes of your current objects, as metered from the bucket's events (seconds behind your
            writes).
        quota_bytes (int): At most this many bytes: a write that goes over it is deleted.
        objects (int): How many objects your folder holds.
        last_rejected_write (None | RejectedWriteOut): The last write deleted for going over the quota, if any.
    """

    bucket: str
    prefix: str
    region: str
    identity_pool_id: str
    login_provider: str
    used_bytes: int
    quota_bytes: int
    objects: int
    last_rejected_write: None | RejectedWriteOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.rejected_write_out import RejectedWriteOut  # noqa: PLC0415

        bucket = self.bucket

        prefix = self.prefix

        region = self.region

        identity_pool_id = self.identity_pool_id

        login_provider = self.login_provider

        used_bytes = self.used_bytes

        quota_bytes = self.quota_bytes

        objects = self.objects

        last_rejected_write: dict[str, Any] | None
        if isinstance(self.last_rejected_write, RejectedWriteOut):
            last_rejected_write = self.last_rejected_write.to_dict()
        else:
            last_rejected_write = self.last_rejected_write

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bucket": bucket,
                "prefix": prefix,
                "region": region,
                "identityPoolId": identity_pool_id,
                "loginProvider": login_provider,
                "usedBytes": used_bytes,
                "quotaBytes": quota_bytes,
                "objects": objects,
                "lastRejectedWrite": last_rejected_write,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rejected_write_out import RejectedWriteOut  # noqa: PLC0415

        d = dict(src_dict)
        bucket = d.pop("bucket")

        prefix = d.pop("prefix")

        region = d.pop("region")

        identity_pool_id = d.pop("identityPoolId")

        login_provider = d.pop("loginProvider")

        used_bytes = d.pop("usedBytes")

        quota_bytes = d.pop("quotaBytes")

        objects = d.pop("objects")

        def _parse_last_rejected_write(data: object) -> None | RejectedWriteOut:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_rejected_write_type_0 = RejectedWriteOut.from_dict(data)

                return last_rejected_write_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RejectedWriteOut, data)

        last_rejected_write = _parse_last_rejected_write(d.pop("lastRejectedWrite"))

        storage_out = cls(
            bucket=bucket,
            prefix=prefix,
            region=region,
            identity_pool_id=identity_pool_id,
            login_provider=login_provider,
            used_bytes=used_bytes,
            quota_bytes=quota_bytes,
            objects=objects,
            last_rejected_write=last_rejected_write,
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
