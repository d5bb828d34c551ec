"""Where a user's own files live: their folder, named by their identity-pool id."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.identity import Caller
from app.domain.ports import IdentityDirectory


@dataclass(frozen=True, slots=True)
class StorageLocation:
    """What a mobile client needs to reach its folder with Identity Pool credentials."""

    bucket: str
    prefix: str
    region: str
    identity_pool_id: str
    login_provider: str


class StorageService:
    """Tells a caller their folder.

    The folder is `private/<identity id>/`: the identity-pool id is what the policy variable
    `${cognito-identity.amazonaws.com:sub}` resolves to, not the user-pool `sub`.
    """

    def __init__(
        self,
        directory: IdentityDirectory,
        *,
        bucket: str,
        region: str,
        identity_pool_id: str,
        login_provider: str,
    ) -> None:
        self._directory = directory
        self._bucket = bucket
        self._region = region
        self._identity_pool_id = identity_pool_id
        self._login_provider = login_provider

    def location_for(self, caller: Caller, id_token: str) -> StorageLocation:
        """The caller's folder; the identity id comes from the identity pool, once per user."""
        identity_id = self._directory.identity_id(caller.user_id, id_token)
        return StorageLocation(
            bucket=self._bucket,
            prefix=f"private/{identity_id}/",
            region=self._region,
            identity_pool_id=self._identity_pool_id,
            login_provider=self._login_provider,
        )
