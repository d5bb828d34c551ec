"""The storage meter's ledger in DynamoDB (PynamoDB); deleting versions in the user-files bucket.

One table, partitioned by identity id: a `#usage` item with the totals, and an item per key
(`key#<SHA-256 of the object key>`: an S3 key may be 1,024 bytes, a DynamoDB sort key no more)
with its versions as JSON and a revision. A change writes both in one
`TransactWriteItems` (all or nothing): the key item only if its revision is the one read, the
totals with `ADD` and, when the change grows them, only while they are within the bound.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from app.adapters.todos_dynamodb import bind_to_table, translated_errors
from app.domain.errors import DependencyUnavailable, StorageUnavailable
from app.domain.metering import (
    KeyChanged,
    KeyHistory,
    RejectedWrite,
    Usage,
    UsageBoundReached,
    UsageChange,
    Version,
)

TOTALS = "#usage"
KEY_PREFIX = "key#"
_CONDITION_FAILED = "ConditionalCheckFailed"


class UsageItem(Model):
    """Attribute layout of the storage-usage table: key items and the totals item."""

    identity_id = UnicodeAttribute(hash_key=True, attr_name="identityId")
    entry = UnicodeAttribute(range_key=True)
    history = UnicodeAttribute(null=True)  # key items: JSON of versions and gone
    revision = NumberAttribute(null=True)
    used_bytes = NumberAttribute(null=True, attr_name="bytes")  # the totals item
    objects = NumberAttribute(null=True)
    retained_bytes = NumberAttribute(null=True, attr_name="retainedBytes")
    rejected_writes = NumberAttribute(null=True, attr_name="rejectedWrites")
    last_rejected = UnicodeAttribute(null=True, attr_name="lastRejected")  # JSON


def bind_usage_model(table_name: str, region: str, host: str | None = None) -> type[UsageItem]:
    """A model bound to one storage-usage table."""

    class BoundUsageItem(UsageItem):
        class Meta:
            pass

    bind_to_table(BoundUsageItem, table_name, region, host)
    return BoundUsageItem


class DynamoUsageLedger:
    """UsageLedger (and UsageReader) on DynamoDB."""

    def __init__(self, model: type[UsageItem]) -> None:
        self._model = model
        meta = model.Meta
        self._connection = Connection(
            region=meta.region,
            host=meta.host,
            connect_timeout_seconds=meta.connect_timeout_seconds,
            read_timeout_seconds=meta.read_timeout_seconds,
            max_retry_attempts=meta.max_retry_attempts,
        )

    def usage(self, identity_id: str) -> Usage:
        """The identity's totals, strongly consistent (zeros when none)."""
        item = self._get(identity_id, TOTALS)
        if item is None:
            return Usage()
        last = json.loads(item.last_rejected) if item.last_rejected else None
        return Usage(
            bytes=int(item.used_bytes or 0),
            objects=int(item.objects or 0),
            retained_bytes=int(item.retained_bytes or 0),
            rejected_writes=int(item.rejected_writes or 0),
            last_rejected=RejectedWrite(
                last["key"], int(last["size"]), dt.datetime.fromisoformat(last["at"])
            )
            if last
            else None,
        )

    def history(self, identity_id: str, key: str) -> KeyHistory:
        """The key's recorded versions (an empty history, revision 0, when none)."""
        item = self._get(identity_id, _entry(key))
        if item is None or not item.history:
            return KeyHistory()
        stored = json.loads(item.history)
        return KeyHistory(
            versions=tuple(Version(v, s, n, marker=m) for v, s, n, m in stored["versions"]),
            gone=tuple((v, s) for v, s in stored["gone"]),
            revision=int(item.revision or 0),
        )

    def record(self, identity_id: str, key: str, history: KeyHistory, change: UsageChange) -> None:
        """The key's history and the totals' change in one transaction (see the module doc)."""
        model = self._model
        stored = {
            "versions": [[v.version_id, v.sequencer, v.size, v.marker] for v in history.versions],
            "gone": [list(pair) for pair in history.gone],
        }
        key_item = model(
            identity_id,
            _entry(key),
            history=json.dumps(stored, separators=(",", ":")),
            revision=history.revision + 1,
        )
        unchanged = (
            model.entry.does_not_exist()
            if history.revision == 0
            else model.revision == history.revision
        )
        actions: list[Any] = [
            model.used_bytes.add(change.bytes),
            model.objects.add(change.objects),
            model.retained_bytes.add(change.retained_bytes),
        ]
        if change.rejected is not None:
            rejected = change.rejected
            last = {"key": rejected.key, "size": rejected.size, "at": rejected.at.isoformat()}
            actions += [model.rejected_writes.add(1), model.last_rejected.set(json.dumps(last))]
        bound = None
        if change.bytes_at_most is not None:
            bound = model.used_bytes.does_not_exist() | (model.used_bytes <= change.bytes_at_most)
        if change.retained_at_most is not None:
            retained = model.retained_bytes.does_not_exist() | (
                model.retained_bytes <= change.retained_at_most
            )
            bound = retained if bound is None else bound & retained
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(key_item, condition=unchanged)
                transaction.update(model(identity_id, TOTALS), actions=actions, condition=bound)
        except TransactWriteError as exc:
            reasons = [r.code if r else None for r in exc.cancellation_reasons or []]
            if reasons[:1] == [_CONDITION_FAILED]:
                raise KeyChanged(key) from exc
            if reasons[1:2] == [_CONDITION_FAILED]:
                raise UsageBoundReached(identity_id) from exc
            raise StorageUnavailable(type(exc).__name__) from exc
        except PynamoDBException as exc:
            raise StorageUnavailable(type(exc).__name__) from exc

    def _get(self, identity_id: str, entry: str) -> UsageItem | None:
        with translated_errors():
            try:
                return self._model.get(identity_id, entry, consistent_read=True)
            except self._model.DoesNotExist:
                return None


def _entry(key: str) -> str:
    """The sort key of a key's item."""
    return KEY_PREFIX + hashlib.sha256(key.encode()).hexdigest()


class S3VersionRemover:
    """VersionRemover on the user-files bucket (needs only s3:DeleteObjectVersion)."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    @classmethod
    def build(cls, region: str, bucket: str) -> S3VersionRemover:
        """With its own S3 client; its endpoint as the SDK resolves it (AWS_ENDPOINT_URL_S3,
        then AWS_ENDPOINT_URL: locally, the IAM-enforcing emulator holding the bucket)."""
        import boto3
        from botocore.config import Config

        config = Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 3})
        return cls(boto3.client("s3", region_name=region, config=config), bucket)

    def remove(self, key: str, version_id: str) -> None:
        """DeleteObject with a VersionId deletes that version for good, whatever it is (S3 API
        reference, DeleteObject); a version that is already gone is no error."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._s3.delete_object(Bucket=self._bucket, Key=key, VersionId=version_id)
        except (BotoCoreError, ClientError) as exc:
            raise DependencyUnavailable(type(exc).__name__) from exc
