"""Each user's storage, metered from the bucket's own events: what holds without our API.

Users write `private/<identity id>/...` directly with temporary credentials, so the only place
every write shows up is the bucket's event stream. The meter keeps, per key, the versions S3 holds
(a versioned bucket keeps every one) and, per identity, the bytes of its current objects. A write
that would take the folder over its quota is permanently deleted (that version only: a previous
version becomes current again) and recorded; an overwritten or deleted version stays retained for
recovery while the identity's retained bytes fit an allowance, and is deleted otherwise.

Events arrive at least once and in any order. The meter orders a key's events by S3's
`sequencer`, and an event it has seen (or that an already-seen deletion made moot) changes
nothing, so redelivery and reordering are harmless.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from app.domain.errors import DomainError

if TYPE_CHECKING:
    from app.domain.ports import Clock, UsageLedger, VersionRemover

SEQUENCER_WIDTH = 32
NULL_VERSION = "null"  # S3's version id of an object written while versioning was off
# At most this many versions of one key besides the newest are kept, old content and delete
# markers alike (S3 lifecycle's own NewerNoncurrentVersions caps at 100); older ones are deleted.
# With MAX_GONE it bounds a key's record, which a write or delete loop would otherwise grow.
MAX_RETAINED_VERSIONS = 25
# Versions deleted for good are remembered (so that their late events change nothing) up to this
# many per key, the most recent ones: an event older than 100 later deletions of the same key is
# not expected, and forgetting can only over-count (a phantom version), never let bytes through.
MAX_GONE = 100


def sequencer_order(sequencer: str) -> str:
    """A sequencer that compares as S3 says: "left-pad the shorter value with zeros, and then do
    a lexicographical comparison" (S3 User Guide, "Event message structure")."""
    return sequencer.upper().rjust(SEQUENCER_WIDTH, "0")


def folder_owner(key: str) -> str | None:
    """The identity whose folder `key` is in (`private/<identity id>/...`), else None."""
    parts = key.split("/", 2)
    if len(parts) == 3 and parts[0] == "private" and parts[1]:
        return parts[1]
    return None


class ChangeKind(StrEnum):
    """What an S3 event did to one version of a key."""

    CREATED = "created"  # ObjectCreated:* (Put, Post, Copy, CompleteMultipartUpload)
    MARKER_CREATED = "marker_created"  # ObjectRemoved:DeleteMarkerCreated (and lifecycle's)
    VERSION_DELETED = "version_deleted"  # ObjectRemoved:Delete, LifecycleExpiration:Delete


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """One S3 event about one version of one key in a user's folder."""

    kind: ChangeKind
    identity_id: str
    key: str  # the whole object key, decoded
    version_id: str
    sequencer: str  # as S3 sent it
    size: int = 0  # bytes of a created version


@dataclass(frozen=True, slots=True)
class Version:
    """A version S3 holds: an object's content or a delete marker."""

    version_id: str
    sequencer: str  # ordered (sequencer_order)
    size: int = 0
    marker: bool = False


@dataclass(frozen=True, slots=True)
class KeyHistory:
    """What the meter knows of one key: its live versions, and the versions deleted for good
    (with the sequencer of their deletion) so that a late event about them changes nothing."""

    versions: tuple[Version, ...] = ()
    gone: tuple[tuple[str, str], ...] = ()  # (version id, ordered sequencer)
    revision: int = 0  # of the stored record; 0 when there is none

    @property
    def current(self) -> Version | None:
        """The version a GET returns: the newest, unless it is a delete marker."""
        if not self.versions:
            return None
        newest = max(self.versions, key=lambda v: v.sequencer)
        return None if newest.marker else newest

    @property
    def current_bytes(self) -> int:
        """Bytes of the current version (0 when there is none)."""
        current = self.current
        return current.size if current else 0

    @property
    def older(self) -> tuple[Version, ...]:
        """Every version but the newest (old content and old delete markers), oldest first."""
        ordered = sorted(self.versions, key=lambda v: v.sequencer)
        return tuple(ordered[:-1])

    @property
    def noncurrent(self) -> tuple[Version, ...]:
        """Versions with content that a GET no longer returns, oldest first."""
        return tuple(v for v in self.older if not v.marker)

    @property
    def retained_bytes(self) -> int:
        """Bytes of the noncurrent versions."""
        return sum(v.size for v in self.noncurrent)

    def apply(self, change: ObjectChange) -> KeyHistory | None:
        """The history after `change`, or None when it changes nothing (seen, or moot)."""
        order = sequencer_order(change.sequencer)
        gone = dict(self.gone)
        live = {v.version_id: v for v in self.versions}
        if change.kind is ChangeKind.VERSION_DELETED:
            if change.version_id in gone and change.version_id not in live:
                return None  # deleting what is gone changes nothing
            return self.without({change.version_id}, order)
        seen = [gone.get(change.version_id, "")]
        if change.version_id in live:
            seen.append(live[change.version_id].sequencer)
        if max(seen) >= order:
            return None  # a redelivery, or a version deleted before this event arrived
        created = Version(
            change.version_id,
            order,
            change.size if change.kind is ChangeKind.CREATED else 0,
            marker=change.kind is ChangeKind.MARKER_CREATED,
        )
        kept = tuple(v for v in self.versions if v.version_id != change.version_id)
        return replace(self, versions=(*kept, created))

    def without(self, version_ids: set[str], order: str) -> KeyHistory:
        """The history once these versions are deleted for good (at sequencer `order`)."""
        gone = [
            *((vid, seq) for vid, seq in self.gone if vid not in version_ids),
            *((vid, order) for vid in sorted(version_ids)),
        ]
        return replace(
            self,
            versions=tuple(v for v in self.versions if v.version_id not in version_ids),
            gone=tuple(sorted(gone, key=lambda pair: pair[1])[-MAX_GONE:]),
        )

    def rejecting(self, change: ObjectChange) -> KeyHistory:
        """The history once the version `change` created is deleted by the meter."""
        return self.without({change.version_id}, sequencer_order(change.sequencer))


@dataclass(frozen=True, slots=True)
class RejectedWrite:
    """A write the meter deleted because it took the folder over its quota."""

    key: str
    size: int
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Usage:
    """One identity's folder, as metered."""

    bytes: int = 0  # of current objects
    objects: int = 0
    retained_bytes: int = 0  # of noncurrent versions kept for recovery
    rejected_writes: int = 0
    last_rejected: RejectedWrite | None = None


@dataclass(frozen=True, slots=True)
class UsageChange:
    """What one event adds to an identity's usage, and the bounds it must stay within."""

    bytes: int = 0
    objects: int = 0
    retained_bytes: int = 0
    rejected: RejectedWrite | None = None
    # Apply only while the stored totals are at most these (quota minus the growth).
    bytes_at_most: int | None = None
    retained_at_most: int | None = None


class KeyChanged(DomainError):
    """Another event of the same key was recorded meanwhile: read it again and retry."""

    code = "key_changed"


class UsageBoundReached(DomainError):
    """The identity's totals grew meanwhile past what this change may add: decide again."""

    code = "usage_bound_reached"


class Outcome(StrEnum):
    """What the meter did with one event."""

    APPLIED = "applied"
    UNCHANGED = "unchanged"  # seen before, or moot
    REJECTED = "rejected"  # over quota: the version was deleted
    IGNORED = "ignored"  # not in a user's folder


@dataclass
class StorageMeter:
    """Applies S3 events to the ledger; deletes what goes over the quota or the allowance."""

    ledger: UsageLedger
    remover: VersionRemover
    clock: Clock
    quota_bytes: int
    # Retained (noncurrent) bytes an identity may have; by default as much as its quota.
    retained_allowance_bytes: int | None = None
    attempts: int = 8

    def apply(self, change: ObjectChange) -> Outcome:
        """Apply one event exactly once, whatever else is being applied concurrently."""
        for _ in range(self.attempts):
            try:
                return self._attempt(change)
            except (KeyChanged, UsageBoundReached):
                continue
        raise KeyChanged(f"{change.key} kept changing; the event will be retried")

    def _attempt(self, change: ObjectChange) -> Outcome:
        history = self.ledger.history(change.identity_id, change.key)
        updated = history.apply(change)
        if updated is None:
            return Outcome.UNCHANGED
        usage = self.ledger.usage(change.identity_id)
        # Only a new write is held to the quota; an operator's undelete is not.
        growth = updated.current_bytes - history.current_bytes
        guarded = change.kind is ChangeKind.CREATED and growth > 0
        if guarded and usage.bytes + growth > self.quota_bytes:
            return self._reject(change, history)
        updated = self._retain_or_prune(change, history, updated, usage)
        retained = updated.retained_bytes - history.retained_bytes
        self.ledger.record(
            change.identity_id,
            change.key,
            updated,
            UsageChange(
                bytes=updated.current_bytes - history.current_bytes,
                objects=(updated.current is not None) - (history.current is not None),
                retained_bytes=retained,
                bytes_at_most=self.quota_bytes - growth if guarded else None,
                retained_at_most=self._allowance - retained if retained > 0 else None,
            ),
        )
        return Outcome.APPLIED

    @property
    def _allowance(self) -> int:
        allowance = self.retained_allowance_bytes
        return self.quota_bytes if allowance is None else allowance

    def _reject(self, change: ObjectChange, history: KeyHistory) -> Outcome:
        # Delete first: should recording fail, the retried event finds the version unrecorded,
        # decides again and deletes again (deleting a deleted version is a no-op). In a versioned
        # bucket an overwrite's previous content is current again; unversioned, it would be lost
        # (the template keeps the bucket versioned, and its test holds that).
        self.remover.remove(change.key, change.version_id)
        rejected = RejectedWrite(change.key, change.size, self.clock.now())
        self.ledger.record(
            change.identity_id,
            change.key,
            history.rejecting(change),
            UsageChange(rejected=rejected),
        )
        return Outcome.REJECTED

    def _retain_or_prune(
        self, change: ObjectChange, before: KeyHistory, after: KeyHistory, usage: Usage
    ) -> KeyHistory:
        """Delete the key's oldest versions past the per-key cap, and its oldest content while
        the identity's retained bytes would exceed the allowance (when this event adds some)."""
        older = list(after.older)
        doomed = older[: max(0, len(older) - MAX_RETAINED_VERSIONS)]
        kept = [v for v in older[len(doomed) :] if not v.marker]
        retained = sum(v.size for v in kept)
        if retained > before.retained_bytes:
            others = usage.retained_bytes - before.retained_bytes
            while kept and others + retained > self._allowance:
                oldest = kept.pop(0)
                doomed.append(oldest)
                retained -= oldest.size
        if not doomed:
            return after
        for version in doomed:  # deleted before recorded, as for a rejection
            self.remover.remove(change.key, version.version_id)
        return after.without({v.version_id for v in doomed}, sequencer_order(change.sequencer))
