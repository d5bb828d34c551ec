"""Secrets Manager rotation of a signing key ring: the four steps a rotation function implements.

Secrets Manager invokes the function once per step with the secret, a version token and the
step (Secrets Manager User Guide, "Lambda rotation functions"; the steps follow AWS's rotation
template): `createSecret` stores the new ring as the AWSPENDING version (once per token: a
retried step finds it), `setSecret` has nothing to do (no other system holds these keys),
`testSecret` checks the pending ring parses, and `finishSecret` moves AWSCURRENT to it (the old
version becomes AWSPREVIOUS). The new ring signs with a new key and keeps the previous one for
the grace period the secret's `grace-hours` tag sets, so what it signed keeps verifying.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from app.domain.signing import parse_ring, rotated, serialize_ring

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
DEFAULT_GRACE_HOURS = 24


class RotationError(Exception):
    """The request does not fit the secret's versions (Secrets Manager retries or gives up)."""


class SecretsManagerRotation:
    """Rotates rings in place, one step per call."""

    def __init__(
        self, client: Any, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    ) -> None:
        self._client = client
        self._now = now

    @classmethod
    def build(cls, region: str, endpoint_url: str | None) -> SecretsManagerRotation:
        """With its own Secrets Manager client."""
        import boto3

        return cls(boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint_url))

    def step(self, secret_id: str, token: str, step: str) -> str:
        """Run one step; returns what it did."""
        if step not in STEPS:
            raise RotationError(f"unknown step {step!r}")
        described = self._client.describe_secret(SecretId=secret_id)
        versions: dict[str, list[str]] = described.get("VersionIdsToStages", {})
        stages = versions.get(token)
        if stages is not None and "AWSCURRENT" in stages:
            return "already current"
        if stages is not None and "AWSPENDING" not in stages:
            raise RotationError(f"version {token} is not pending")
        if stages is None and step != "createSecret":
            raise RotationError(f"version {token} was never created")
        if step == "createSecret":
            return self._create(secret_id, token, _grace(described))
        if step == "testSecret":
            parse_ring(self._value(secret_id, VersionId=token, VersionStage="AWSPENDING"))
            return "tested"
        if step == "finishSecret":
            current = next(v for v, s in versions.items() if "AWSCURRENT" in s)
            self._client.update_secret_version_stage(
                SecretId=secret_id,
                VersionStage="AWSCURRENT",
                MoveToVersionId=token,
                RemoveFromVersionId=current,
            )
            return "finished"
        return "nothing to set"

    def _create(self, secret_id: str, token: str, grace: dt.timedelta) -> str:
        try:
            self._value(secret_id, VersionId=token, VersionStage="AWSPENDING")
        except self._client.exceptions.ResourceNotFoundException:
            pass
        else:
            return "already created"
        current = parse_ring(self._value(secret_id, VersionStage="AWSCURRENT"))
        self._client.put_secret_value(
            SecretId=secret_id,
            ClientRequestToken=token,
            SecretString=serialize_ring(rotated(current, self._now(), grace)),
            VersionStages=["AWSPENDING"],
        )
        return "created"

    def _value(self, secret_id: str, **version: str) -> str:
        value: str = self._client.get_secret_value(SecretId=secret_id, **version)["SecretString"]
        return value


def _grace(described: dict[str, Any]) -> dt.timedelta:
    tags = {t.get("Key"): t.get("Value") for t in described.get("Tags", [])}
    hours = str(tags.get("grace-hours", DEFAULT_GRACE_HOURS))
    return dt.timedelta(hours=float(hours) if hours.replace(".", "", 1).isdigit() else 24)
