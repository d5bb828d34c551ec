"""Signing keys, one ring per purpose: the newest signs, older ones verify until they retire.

A ring is what a secret holds, as JSON: `{"keys": [{"id", "secret", "retiresAt"?}, ...]}`,
newest first. A freshly created secret may hold a single key, `{"id", "secret"}` (what
CloudFormation's GenerateSecretString makes). Rotation puts a new key in front and gives the
previous one a retirement time (its grace period: links and cursors signed with it keep working
until then); keys past retirement are dropped. Nothing here knows where rings are stored.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any, Final, Protocol

from app.domain.ports import Clock

KEY_BYTES: Final = 32
MIN_SECRET_CHARS: Final = 32


class InvalidKeyRing(ValueError):
    """The secret does not hold a usable key ring."""


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One HMAC key; `retires_at` is None for the key that signs."""

    id: str
    secret: bytes
    retires_at: dt.datetime | None = None

    def usable(self, now: dt.datetime) -> bool:
        """Still verifies at `now`."""
        return self.retires_at is None or now < self.retires_at


class KeyRing(Protocol):
    """Where signers find their keys (a secret, cached)."""

    def current(self) -> SigningKey:
        """The key that signs now."""

    def find(self, key_id: str) -> SigningKey | None:
        """A key that still verifies, by id; None when unknown or retired."""


def parse_ring(text: str) -> list[SigningKey]:
    """The keys of a secret's value, newest first; InvalidKeyRing when it holds none."""
    try:
        data: Any = json.loads(text)
        entries = data.get("keys", [data])
        keys = [
            SigningKey(
                id=str(entry["id"]),
                secret=str(entry["secret"]).encode(),
                retires_at=_time(entry.get("retiresAt")),
            )
            for entry in entries
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InvalidKeyRing("not a key ring") from error
    if not keys or any(len(k.secret) < MIN_SECRET_CHARS or "." in k.id for k in keys):
        raise InvalidKeyRing("a key ring needs keys of at least 32 characters and dot-free ids")
    return keys


def serialize_ring(keys: list[SigningKey]) -> str:
    """The secret value for `keys`."""
    return json.dumps(
        {
            "keys": [
                {
                    "id": key.id,
                    "secret": key.secret.decode(),
                    **({"retiresAt": key.retires_at.isoformat()} if key.retires_at else {}),
                }
                for key in keys
            ]
        }
    )


def rotated(keys: list[SigningKey], now: dt.datetime, grace: dt.timedelta) -> list[SigningKey]:
    """A new signing key in front; the one that signed until now verifies for `grace` more;
    keys already retired are dropped."""
    new = SigningKey(id=secrets.token_hex(4), secret=secrets.token_urlsafe(KEY_BYTES).encode())
    previous = [
        key if key.retires_at is not None else SigningKey(key.id, key.secret, now + grace)
        for key in keys
    ]
    return [new, *(key for key in previous if key.usable(now))]


class StaticKeyRing:
    """A ring held in memory (tests, and tools that sign offline)."""

    def __init__(self, keys: list[SigningKey], clock: Clock | None = None) -> None:
        self._keys = keys
        self._clock = clock

    def current(self) -> SigningKey:
        """The first key."""
        return self._keys[0]

    def find(self, key_id: str) -> SigningKey | None:
        """By id, if not retired."""
        now = self._clock.now() if self._clock else dt.datetime.now(dt.UTC)
        return next((k for k in self._keys if k.id == key_id and k.usable(now)), None)


def _time(value: object) -> dt.datetime | None:
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
