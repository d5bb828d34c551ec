"""Lambda entry: the user-files bucket's events -> the storage meter (usage, quota).

S3 invokes this function asynchronously (S3 User Guide, "Using AWS Lambda with Amazon S3"), so
there is no partial-batch response: every record of an event is applied, or the invocation fails
and Lambda retries it, then hands it to the on-failure queue (template: EventInvokeConfig). The
meter is idempotent, so records applied before a failure change nothing when retried. Keys arrive
URL-encoded and are decoded here; keys outside a user's folder are ignored.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger

from app.bootstrap import build_storage_meter
from app.domain.metering import NULL_VERSION, ChangeKind, ObjectChange, Outcome, folder_owner
from app.settings import get_meter_settings

logger = Logger()
_meter = build_storage_meter(get_meter_settings())
# Event names (S3 User Guide, "Supported event types") -> what they did to a version.
_KINDS = {
    "ObjectRemoved:Delete": ChangeKind.VERSION_DELETED,
    "ObjectRemoved:DeleteMarkerCreated": ChangeKind.MARKER_CREATED,
    "LifecycleExpiration:Delete": ChangeKind.VERSION_DELETED,
    "LifecycleExpiration:DeleteMarkerCreated": ChangeKind.MARKER_CREATED,
}


def change_of(record: dict[str, Any]) -> ObjectChange | None:
    """The meter's view of one S3 record; None for an event or a key it does not meter."""
    name = str(record.get("eventName", ""))
    kind = ChangeKind.CREATED if name.startswith("ObjectCreated:") else _KINDS.get(name)
    obj = record.get("s3", {}).get("object", {})
    key = unquote_plus(str(obj.get("key", "")))
    identity_id = folder_owner(key)
    if kind is None or identity_id is None:
        return None
    return ObjectChange(
        kind=kind,
        identity_id=identity_id,
        key=key,
        version_id=str(obj.get("versionId") or NULL_VERSION),
        sequencer=str(obj.get("sequencer") or "0"),
        size=int(obj.get("size") or 0),
    )


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:  # noqa: ARG001 - Lambda's
    """Apply every record; raise (so Lambda retries the event) when any could not be applied."""
    outcomes: dict[str, int] = {}
    failed = 0
    for record in event.get("Records", []):
        change = change_of(record)
        if change is None:
            outcome = Outcome.IGNORED
        else:
            try:
                outcome = _meter.apply(change)
            except Exception:  # the others still run; the event is retried
                logger.exception("storage event not applied")
                failed += 1
                continue
            # Identity and size, never the key: file names are the user's own data.
            logger.info(
                "storage event",
                extra={"outcome": outcome, "identity_id": change.identity_id, "size": change.size},
            )
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    if failed:
        raise RuntimeError(f"{failed} storage event(s) not applied; the event will be retried")
    return {"outcomes": outcomes}
