"""Signing key rings in Secrets Manager, read with a botocore client and cached `max_age` seconds.

Each purpose has its own secret (cursors, email links), named by the function's environment: a
function holds no key in its environment, only the right to read its own secret. The ring is
fetched once at init (a function that cannot read it fails to start) and again when the cache
is older than `max_age`, so a rotation reaches every warm function without a redeploy. A token
signed with a key this function has not seen yet (rotated moments ago) makes it re-read the
secret at once, at most once per `refresh_floor` seconds: forged key ids cannot make one caller
cost a Secrets Manager call per request.

A plain botocore client and a one-entry cache rather than Powertools Parameters: that module
imports boto3 (and s3transfer, and the other parameter stores), ~25 ms of every API function's
cold start for one GetSecretValue.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

from app.domain.errors import DependencyUnavailable
from app.domain.signing import SigningKey, parse_ring


class SecretsManagerKeyRing:
    """A KeyRing held in one secret."""

    def __init__(
        self,
        secret_id: str,
        client: Any,
        *,
        max_age: int = 300,
        refresh_floor: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._secret_id = secret_id
        self._client = client  # a botocore Secrets Manager client
        self._cached: tuple[float, list[SigningKey]] | None = None  # (read at, ring)
        self._max_age = max_age
        self._floor = refresh_floor
        self._monotonic = monotonic
        self._now = now
        self._lock = threading.Lock()
        self._last_forced = float("-inf")

    @classmethod
    def build(
        cls, secret_id: str, region: str, endpoint_url: str | None, max_age: int
    ) -> SecretsManagerKeyRing:
        """With its own Secrets Manager client (the emulator's, locally)."""
        from app.adapters.dynamodb_transport import shared_session

        client = shared_session().create_client(
            "secretsmanager", region_name=region, endpoint_url=endpoint_url
        )
        return cls(secret_id, client, max_age=max_age)

    def load(self) -> None:
        """Read the ring now: at init, so a function that cannot read its secret fails to start."""
        self._keys(force=True)

    def forget(self) -> None:
        """Drop the cached ring (after a snapshot restore its age is unknown): the next use
        re-reads the secret."""
        with self._lock:
            self._cached = None
            self._last_forced = float("-inf")

    def current(self) -> SigningKey:
        """The newest key."""
        return self._keys()[0]

    def find(self, key_id: str) -> SigningKey | None:
        """A key that still verifies; an unknown id re-reads the secret (rate-limited)."""
        now = self._now()
        keys = self._keys()
        found = next((k for k in keys if k.id == key_id), None)
        if found is None and self._may_force():
            found = next((k for k in self._keys(force=True) if k.id == key_id), None)
        return found if found is not None and found.usable(now) else None

    def _may_force(self) -> bool:
        with self._lock:
            if self._monotonic() - self._last_forced < self._floor:
                return False
            self._last_forced = self._monotonic()
            return True

    def _keys(self, *, force: bool = False) -> list[SigningKey]:
        with self._lock:
            cached = self._cached
        if not force and cached is not None and self._monotonic() - cached[0] < self._max_age:
            return cached[1]
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            # AWSCURRENT named outright: it is GetSecretValue's default on AWS, but moto (5.2)
            # keeps answering the first version after a rotation moved the label.
            value = self._client.get_secret_value(
                SecretId=self._secret_id, VersionStage="AWSCURRENT"
            )["SecretString"]
        except (BotoCoreError, ClientError, KeyError) as error:
            raise DependencyUnavailable("the signing keys could not be read") from error
        keys = parse_ring(str(value))
        with self._lock:
            self._cached = (self._monotonic(), keys)
        return keys


class KeyRings:
    """One ring per secret per process, built on first use."""

    def __init__(self, region: str, endpoint_url: str | None, max_age: int) -> None:
        self._region, self._endpoint, self._max_age = region, endpoint_url, max_age
        self.built: dict[str, SecretsManagerKeyRing] = {}

    def __call__(self, secret_id: str) -> SecretsManagerKeyRing:
        if secret_id not in self.built:
            self.built[secret_id] = SecretsManagerKeyRing.build(
                secret_id, self._region, self._endpoint, self._max_age
            )
        return self.built[secret_id]
