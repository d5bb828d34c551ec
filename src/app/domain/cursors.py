"""Opaque, tamper-proof pagination cursors (HMAC-SHA256 over the payload and its scope)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from app.domain.errors import InvalidCursor

_MAX_CURSOR_CHARS = 1024


class CursorCodec:
    """Signs a repository's page marker for one scope (caller + query) and verifies it back."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("cursor secret must be at least 32 bytes")
        self._secret = secret

    def encode(self, marker: dict[str, str], scope: str) -> str:
        """Return a URL-safe cursor that only `decode(..., scope)` accepts."""
        payload = json.dumps(marker, separators=(",", ":"), sort_keys=True).encode()
        tag = self._tag(payload, scope)
        return f"{_b64(payload)}.{_b64(tag)}"

    def decode(self, cursor: str, scope: str) -> dict[str, str]:
        """Return the marker, or raise InvalidCursor when forged, altered or foreign."""
        if len(cursor) > _MAX_CURSOR_CHARS or cursor.count(".") != 1:
            raise InvalidCursor("malformed cursor")
        body, _, tag = cursor.partition(".")
        try:
            payload = _unb64(body)
            given = _unb64(tag)
        except (binascii.Error, ValueError) as exc:
            raise InvalidCursor("malformed cursor") from exc
        if not hmac.compare_digest(given, self._tag(payload, scope)):
            raise InvalidCursor("cursor was not issued for this query")
        marker = json.loads(payload)
        if not isinstance(marker, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in marker.items()
        ):
            raise InvalidCursor("malformed cursor")
        return marker

    def _tag(self, payload: bytes, scope: str) -> bytes:
        message = scope.encode() + b"\x00" + payload
        return hmac.new(self._secret, message, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
