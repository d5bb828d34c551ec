"""In-memory stand-ins for the storage meter's ports: a ledger and a versioned bucket.

The bucket keeps S3's rules for a versioned bucket (every write a new version, a delete without a
version id a delete marker, the newest version current) and records the event each change would
send, so tests can deliver them late, twice or out of order.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

from app.domain.metering import (
    ChangeKind,
    KeyChanged,
    KeyHistory,
    ObjectChange,
    Usage,
    UsageBoundReached,
    UsageChange,
    folder_owner,
)


class InMemoryLedger:
    """The UsageLedger contract: revision-checked histories, bounded totals, all or nothing."""

    def __init__(self) -> None:
        self.histories: dict[tuple[str, str], KeyHistory] = {}
        self.totals: dict[str, Usage] = {}
        self.records = 0
        # Called before each record: a test makes a concurrent writer act here.
        self.before_record: Callable[[], None] = lambda: None

    def usage(self, identity_id: str) -> Usage:
        return self.totals.get(identity_id, Usage())

    def history(self, identity_id: str, key: str) -> KeyHistory:
        return self.histories.get((identity_id, key), KeyHistory())

    def record(self, identity_id: str, key: str, history: KeyHistory, change: UsageChange) -> None:
        self.before_record()
        stored = self.history(identity_id, key)
        if stored.revision != history.revision:
            raise KeyChanged(key)
        usage = self.usage(identity_id)
        if change.bytes_at_most is not None and usage.bytes > change.bytes_at_most:
            raise UsageBoundReached(identity_id)
        if change.retained_at_most is not None and usage.retained_bytes > change.retained_at_most:
            raise UsageBoundReached(identity_id)
        self.histories[(identity_id, key)] = replace(history, revision=history.revision + 1)
        self.totals[identity_id] = Usage(
            bytes=usage.bytes + change.bytes,
            objects=usage.objects + change.objects,
            retained_bytes=usage.retained_bytes + change.retained_bytes,
            rejected_writes=usage.rejected_writes + (change.rejected is not None),
            last_rejected=change.rejected or usage.last_rejected,
        )
        self.records += 1


@dataclass(frozen=True)
class StoredVersion:
    version_id: str
    sequence: int
    size: int
    marker: bool = False


class InMemoryBucket:
    """A versioned bucket that queues the event of every change (a VersionRemover too)."""

    def __init__(self) -> None:
        self.keys: dict[str, list[StoredVersion]] = {}
        self.events: list[ObjectChange] = []
        self.removed: list[tuple[str, str]] = []
        self._sequence = itertools.count(1)
        self._ids = itertools.count(1)

    def put(self, key: str, size: int) -> ObjectChange:
        """A PutObject: a new current version."""
        return self._add(key, ChangeKind.CREATED, size)

    def delete(self, key: str) -> ObjectChange:
        """A DeleteObject without a version id: a delete marker."""
        return self._add(key, ChangeKind.MARKER_CREATED, 0)

    def remove(self, key: str, version_id: str) -> None:
        """DeleteObject with a VersionId (the meter's): gone for good; no event when absent."""
        self.removed.append((key, version_id))
        versions = self.keys.get(key, [])
        if not any(v.version_id == version_id for v in versions):
            return
        self.keys[key] = [v for v in versions if v.version_id != version_id]
        self.events.append(self._change(ChangeKind.VERSION_DELETED, key, version_id, 0))

    def current_bytes(self, identity_id: str) -> int:
        """The truth: bytes a listing of the identity's folder shows."""
        return sum(
            newest.size
            for key, versions in self.keys.items()
            if folder_owner(key) == identity_id and versions
            for newest in [max(versions, key=lambda v: v.sequence)]
            if not newest.marker
        )

    def noncurrent(self, identity_id: str) -> list[StoredVersion]:
        """Versions with content that are not current."""
        found = []
        for key, versions in self.keys.items():
            if folder_owner(key) != identity_id or not versions:
                continue
            newest = max(versions, key=lambda v: v.sequence)
            found += [v for v in versions if v is not newest and not v.marker]
        return found

    def _add(self, key: str, kind: ChangeKind, size: int) -> ObjectChange:
        version_id = f"v{next(self._ids)}"
        change = self._change(kind, key, version_id, size)
        stored = StoredVersion(
            version_id, int(change.sequencer, 16), size, kind is not ChangeKind.CREATED
        )
        self.keys.setdefault(key, []).append(stored)
        self.events.append(change)
        return change

    def _change(self, kind: ChangeKind, key: str, version_id: str, size: int) -> ObjectChange:
        identity_id = folder_owner(key)
        assert identity_id is not None
        # Unpadded hex, so sequencers of different lengths are compared too.
        sequencer = f"{next(self._sequence) * 97:X}"
        return ObjectChange(kind, identity_id, key, version_id, sequencer, size)
