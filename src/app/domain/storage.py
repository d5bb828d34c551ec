"""Where a user's own files live (their folder, named by their identity-pool id), and how much of
their quota they use (as the storage meter recorded it from the bucket's events)."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.identity import Caller
from app.domain.metering import Usage
from app.domain.ports import IdentityDirectory, UsageReader


@dataclass(frozen=True, slots=True)
class StorageLocation:
    """What a mobile client needs to reach its folder with Identity Pool credentials."""

    bucket: str
    prefix: str
    region: str
    identity_pool_id: str
    login_provider: str
    usage: Usage
    quota_bytes: int


class StorageService:
    """Tells a caller their folder and their usage.

    The folder is `private/<identity id>/`: the identity-pool id is what the policy variable
    `${cognito-identity.amazonaws.com:sub}` resolves to, not the user-pool `sub`.
    """

    def __init__(
        self,
        directory: IdentityDirectory,
        usage: UsageReader,
        *,
        quota_bytes: int,
        bucket: str,
        region: str,
        identity_pool_id: str,
        login_provider: str,
    ) -> None:
        self._directory = directory
        self._usage = usage
        self._quota_bytes = quota_bytes
        self._bucket = bucket
        self._region = region
        self._identity_pool_id = identity_pool_id
        self._login_provider = login_provider

    def location_for(self, caller: Caller, id_token: str) -> StorageLocation:
        """The caller's folder and usage; the identity id comes from the identity pool, once per
        user."""
        identity_id = self._directory.identity_id(caller.user_id, id_token)
        return StorageLocation(
            bucket=self._bucket,
            prefix=f"private/{identity_id}/",
            region=self._region,
            identity_pool_id=self._identity_pool_id,
            login_provider=self._login_provider,
            usage=self._usage.usage(identity_id),
            quota_bytes=self._quota_bytes,
        )
