"""Opaque, tamper-proof tokens: pagination cursors and email links (HMAC-SHA256 over the key id,
the payload and its scope). A token names the key that signed it, so a rotated key ring still
verifies tokens signed before the rotation, until that key retires."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from app.domain.errors import InvalidCursor
from app.domain.signing import KeyRing

_MAX_CURSOR_CHARS = 1024


class CursorCodec:
    """Signs a marker for one scope (caller + query, or a link's purpose) and verifies it back."""

    def __init__(self, keys: KeyRing) -> None:
        self._keys = keys

    def encode(self, marker: dict[str, str], scope: str) -> str:
        """Return a URL-safe token that only `decode(..., scope)` accepts."""
        key = self._keys.current()
        payload = json.dumps(marker, separators=(",", ":"), sort_keys=True).encode()
        tag = _tag(key.secret, key.id, payload, scope)
        return f"{key.id}.{_b64(payload)}.{_b64(tag)}"

    def decode(self, cursor: str, scope: str) -> dict[str, str]:
        """Return the marker, or raise InvalidCursor when forged, altered, foreign or signed
        with a key that has retired."""
        if len(cursor) > _MAX_CURSOR_CHARS or cursor.count(".") != 2:
            raise InvalidCursor("malformed cursor")
        key_id, body, tag = cursor.split(".")
        try:
            payload = _unb64(body)
            given = _unb64(tag)
        except (binascii.Error, ValueError) as exc:
            raise InvalidCursor("malformed cursor") from exc
        key = self._keys.find(key_id) if key_id else None
        if key is None or not hmac.compare_digest(given, _tag(key.secret, key_id, payload, scope)):
            raise InvalidCursor("cursor was not issued for this query")
        marker = json.loads(payload)
        if not isinstance(marker, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in marker.items()
        ):
            raise InvalidCursor("malformed cursor")
        return marker


def _tag(secret: bytes, key_id: str, payload: bytes, scope: str) -> bytes:
    message = b"\x00".join((scope.encode(), key_id.encode(), payload))
    return hmac.new(secret, message, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
