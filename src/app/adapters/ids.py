"""Time-ordered identifiers (ULID: 48-bit milliseconds + 80 random bits, Crockford base32)."""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class UlidGenerator:
    """Monotonic ULIDs: ids made in the same millisecond still sort in creation order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = -1
        self._last_rand = 0

    def reset(self) -> None:
        """Forget the last id: after a snapshot restore, environments resumed from one snapshot
        must not all continue the same millisecond and counter."""
        with self._lock:
            self._last_ms, self._last_rand = -1, 0

    def new_id(self) -> str:
        """Return a 26-character ULID that sorts after every id this generator made before."""
        with self._lock:
            ms = time.time_ns() // 1_000_000
            if ms <= self._last_ms:
                ms = self._last_ms
                rand = self._last_rand + 1
            else:
                rand = int.from_bytes(os.urandom(10), "big") >> 1
            self._last_ms, self._last_rand = ms, rand
        value = (ms << 80) | (rand & ((1 << 80) - 1))
        return "".join(_ALPHABET[(value >> shift) & 31] for shift in range(125, -1, -5))
