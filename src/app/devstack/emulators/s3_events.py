"""S3 event notifications with what AWS puts in them and moto 5.2 leaves out.

AWS (S3 User Guide, "Event message structure"): every record's `s3.object` has a `versionId` (null
when the bucket is not versioned) and a `sequencer`, a hex string that orders the events of one key
("compare the sequencer strings ... left-pad the shorter value with zeros"); the events of a
deletion carry key, versionId and sequencer, but no size or eTag. In a versioned bucket a DELETE
without a version id adds a delete marker and sends `ObjectRemoved:DeleteMarkerCreated`, and a
DELETE of one version sends `ObjectRemoved:Delete` for that version (S3 User Guide, "Supported
event types").

moto 5.2 (`moto/s3/notifications.py`, `S3Backend.delete_object`) sends neither field, nothing for
a delete marker, and for the deletion of a version only once the key's last version is gone, then
describing the key's latest version instead of the deleted one. `install()` makes it send what AWS
sends; both emulator launchers install it.
"""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

from moto.s3 import notifications
from moto.s3.models import S3Backend

_REMOVED = "s3:ObjectRemoved:"
_original_send_event = notifications.send_event
_original_get_s3_event = notifications._get_s3_event
_original_delete_object = S3Backend.delete_object
_local = threading.local()
_lock = threading.Lock()
_last = 0


def next_sequencer() -> str:
    """A strictly increasing hex sequencer (16 digits, like AWS's).

    Nanoseconds since the epoch, never repeated: later events sort later even across a restart
    of the emulator, which keeps no objects but whose events a function's table may remember.
    """
    global _last  # noqa: PLW0603 - one counter per emulator process, as S3 has one per key
    with _lock:
        _last = max(_last + 1, time.time_ns())
        return f"{_last:016X}"


def _send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
    if getattr(_local, "own_delete_events", False) and str(event_name.value).startswith(_REMOVED):
        return  # delete_object below sends AWS's events instead of moto's
    _local.sequencer = next_sequencer()  # one per event, whatever the destinations
    _original_send_event(account_id, event_name, bucket, key)


def _get_s3_event(
    event_name: str, bucket: Any, key: Any, notification_id: str
) -> dict[str, list[dict[str, Any]]]:
    body = _original_get_s3_event(event_name, bucket, key, notification_id)
    obj = body["Records"][0]["s3"]["object"]
    obj["versionId"] = key.version_id if bucket.is_versioned else None
    obj["sequencer"] = getattr(_local, "sequencer", None) or next_sequencer()
    if event_name.startswith(_REMOVED):
        obj.pop("size", None)
        obj.pop("eTag", None)
    return body


def _delete_object(
    self: S3Backend,
    bucket_name: str,
    key_name: str,
    version_id: str | None = None,
    bypass: bool = False,
) -> tuple[bool, dict[str, Any]]:
    bucket = self.get_bucket(bucket_name)
    if not bucket.is_versioned:  # moto's own event is AWS's here
        return _original_delete_object(self, bucket_name, key_name, version_id, bypass)
    existed = version_id is not None and any(
        str(version.version_id) == str(version_id) for version in bucket.keys.getlist(key_name, [])
    )
    _local.own_delete_events = True
    try:
        deleted, meta = _original_delete_object(self, bucket_name, key_name, version_id, bypass)
    finally:
        _local.own_delete_events = False
    if version_id is None and meta.get("delete-marker") == "true":
        event = notifications.S3NotificationEvent.OBJECT_REMOVED_DELETE_MARKER_CREATED_EVENT
        _send_event(self.account_id, event, bucket, _removed(key_name, meta["version-id"]))
    elif existed:
        event = notifications.S3NotificationEvent.OBJECT_REMOVED_DELETE_EVENT
        _send_event(self.account_id, event, bucket, _removed(key_name, str(version_id)))
    return deleted, meta


def _removed(key_name: str, version_id: str) -> SimpleNamespace:
    """What moto's event builder reads of a key, for a version that no longer has content."""
    return SimpleNamespace(name=key_name, version_id=version_id, etag="", size=0)


def install() -> None:
    """Make moto's S3 notifications carry AWS's fields and events (idempotent)."""
    notifications.send_event = _send_event
    notifications._get_s3_event = _get_s3_event
    S3Backend.delete_object = _delete_object  # type: ignore[method-assign]
