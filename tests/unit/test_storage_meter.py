"""The storage meter with in-memory fakes: totals, the quota, retention, redelivery, reordering."""

from __future__ import annotations

import random

import pytest

from app.domain.metering import (
    MAX_GONE,
    MAX_RETAINED_VERSIONS,
    NULL_VERSION,
    ChangeKind,
    KeyChanged,
    ObjectChange,
    Outcome,
    StorageMeter,
    UsageBoundReached,
    folder_owner,
    sequencer_order,
)
from tests.unit.fakes import StepClock
from tests.unit.storage_fakes import InMemoryBucket, InMemoryLedger

ALICE, BOB = "us-east-1:alice", "us-east-1:bob"
QUOTA = 1000


def folder(identity_id: str, name: str) -> str:
    return f"private/{identity_id}/{name}"


def make_meter(
    ledger: InMemoryLedger, bucket: InMemoryBucket, allowance: int | None = None
) -> StorageMeter:
    return StorageMeter(
        ledger, bucket, StepClock(), quota_bytes=QUOTA, retained_allowance_bytes=allowance
    )


@pytest.fixture
def ledger() -> InMemoryLedger:
    return InMemoryLedger()


@pytest.fixture
def bucket() -> InMemoryBucket:
    return InMemoryBucket()


@pytest.fixture
def meter(ledger: InMemoryLedger, bucket: InMemoryBucket) -> StorageMeter:
    return make_meter(ledger, bucket)


def deliver(meter: StorageMeter, bucket: InMemoryBucket) -> list[Outcome]:
    """Every queued event in order, including those the meter's own deletions cause."""
    outcomes = []
    while bucket.events:
        outcomes.append(meter.apply(bucket.events.pop(0)))
    return outcomes


def test_sequencers_compare_as_s3_says_shorter_ones_left_padded() -> None:
    assert sequencer_order("FF") < sequencer_order("0100")
    assert sequencer_order("100") > sequencer_order("FF")
    assert sequencer_order("0a") == sequencer_order("A")


@pytest.mark.parametrize(
    ("key", "owner"),
    [
        ("private/us-east-1:abc/photo.jpg", "us-east-1:abc"),
        ("private/us-east-1:abc/a/b/c", "us-east-1:abc"),
        ("private/us-east-1:abc/", "us-east-1:abc"),  # a "folder" object is an object too
        ("private//x", None),
        ("private/us-east-1:abc", None),
        ("public/us-east-1:abc/x", None),
        ("uploads/x", None),
    ],
)
def test_only_keys_in_a_users_folder_are_metered(key: str, owner: str | None) -> None:
    assert folder_owner(key) == owner


def test_writes_overwrites_and_deletes_adjust_the_total(
    meter: StorageMeter, bucket: InMemoryBucket, ledger: InMemoryLedger
) -> None:
    bucket.put(folder(ALICE, "a"), 100)
    bucket.put(folder(ALICE, "b"), 200)
    assert deliver(meter, bucket) == [Outcome.APPLIED, Outcome.APPLIED]
    assert (ledger.usage(ALICE).bytes, ledger.usage(ALICE).objects) == (300, 2)
    bucket.put(folder(ALICE, "a"), 150)  # overwrite: +50
    deliver(meter, bucket)
    assert (ledger.usage(ALICE).bytes, ledger.usage(ALICE).objects) == (350, 2)
    assert ledger.usage(ALICE).retained_bytes == 100  # the old version, kept for recovery
    bucket.delete(folder(ALICE, "b"))
    deliver(meter, bucket)
    assert (ledger.usage(ALICE).bytes, ledger.usage(ALICE).objects) == (150, 1)
    assert ledger.usage(ALICE).retained_bytes == 300
    assert bucket.current_bytes(ALICE) == 150


def test_a_write_over_the_quota_is_deleted_and_recorded(
    meter: StorageMeter, bucket: InMemoryBucket, ledger: InMemoryLedger
) -> None:
    bucket.put(folder(ALICE, "a"), 600)
    deliver(meter, bucket)
    over = bucket.put(folder(ALICE, "b"), 401)
    assert deliver(meter, bucket) == [Outcome.REJECTED, Outcome.UNCHANGED]  # then its deletion
    assert bucket.removed == [(over.key, over.version_id)]
    usage = ledger.usage(ALICE)
    assert (usage.bytes, usage.objects, usage.rejected_writes) == (600, 1, 1)
    assert usage.last_rejected is not None
    assert (usage.last_rejected.key, usage.last_rejected.size) == (over.key, 401)
    assert bucket.current_bytes(ALICE) == 600
    bucket.put(folder(ALICE, "c"), 400)  # exactly the quota is allowed
    assert deliver(meter, bucket) == [Outcome.APPLIED]
    assert ledger.usage(ALICE).bytes == QUOTA


def test_an_overwrite_over_the_quota_leaves_the_previous_content(
    meter: StorageMeter, bucket: InMemoryBucket, ledger: InMemoryLedger
) -> None:
    bucket.put(folder(ALICE, "a"), 500)
    deliver(meter, bucket)
    bucket.put(folder(ALICE, "a"), 1200)
    assert deliver(meter, bucket)[0] == Outcome.REJECTED
    assert ledger.usage(ALICE).bytes == 500
    assert bucket.current_bytes(ALICE) == 500  # S3 made the previous version current again


def test_a_redelivered_event_changes_nothing(
    meter: StorageMeter, bucket: InMemoryBucket, ledger: InMemoryLedger
) -> None:
    created = bucket.put(folder(ALICE, "a"), 100)
    deliver(meter, bucket)
    records = ledger.records
    assert meter.apply(created) == Outcome.UNCHANGED
    assert ledger.records == records
    assert ledger.usage(ALICE).bytes == 100


def test_events_of_one_key_out_of_order_end_as_s3_is(
    meter: StorageMeter, bucket: InMemoryBucket, ledger: InMemoryLedger
) -> None:
    first = bucket.put(folder(ALICE, "a"), 100)
    second = bucket.put(folder(ALICE, "a"), 300)
    marker = bucket.delete(folder(ALICE, "a"))
    for change in (marker, second, first):
        meter.apply(change)
    usage = ledger.usage(ALICE)
    assert (usage.bytes, usage.objects, usage.retained_bytes) == (0, 0, 400)


def test_a_version_deleted_before_its_creation_arrives_is_never_counted(
    meter: StorageMeter, ledger: InMemoryLedger
) -> None:
    key = folder(ALICE, "a")
    created = ObjectChange(ChangeKind.CREATED, ALICE, key, "v1", "10", 100)
    deleted = ObjectChange(ChangeKind.VERSION_DELETED, ALICE, key, "v1", "20")
    assert meter.apply(deleted) == Outcome.APPLIED
    assert meter.apply(created) == Outcome.UNCHANGED
    assert meter.apply(deleted) == Outcome.UNCHANGED
    assert ledger.usage(ALICE).bytes == 0


def test_another_users_folder_is_unaffected(
    meter: StorageMeter, bucket: InMemoryBucket, ledger: InMemoryLedger
) -> None:
    bucket.put(folder(ALICE, "a"), 900)
    bucket.put(folder(BOB, "a"), 900)  # same name, another folder, its own quota
    assert deliver(meter, bucket) == [Outcome.APPLIED, Outcome.APPLIED]
    bucket.put(folder(ALICE, "b"), 200)
    deliver(meter, bucket)
    assert ledger.usage(BOB).bytes == 900
    assert ledger.usage(BOB).rejected_writes == 0


def test_retained_versions_past_the_allowance_are_deleted_oldest_first(
    ledger: InMemoryLedger, bucket: InMemoryBucket
) -> None:
    meter = make_meter(ledger, bucket, allowance=250)
    key = folder(ALICE, "a")
    versions = [bucket.put(key, 100) for _ in range(5)]
    deliver(meter, bucket)
    usage = ledger.usage(ALICE)
    assert (usage.bytes, usage.retained_bytes) == (100, 200)
    assert [v for _, v in bucket.removed] == [versions[0].version_id, versions[1].version_id]
    assert sum(v.size for v in bucket.noncurrent(ALICE)) == 200


def test_at_most_so_many_noncurrent_versions_of_a_key_are_kept(
    meter: StorageMeter, bucket: InMemoryBucket, ledger: InMemoryLedger
) -> None:
    key = folder(ALICE, "a")
    for _ in range(MAX_RETAINED_VERSIONS + 5):
        bucket.put(key, 1)
    deliver(meter, bucket)
    assert len(ledger.history(ALICE, key).noncurrent) == MAX_RETAINED_VERSIONS
    assert len(bucket.noncurrent(ALICE)) == MAX_RETAINED_VERSIONS


def test_a_delete_loop_keeps_the_keys_record_and_its_versions_bounded(
    meter: StorageMeter, bucket: InMemoryBucket, ledger: InMemoryLedger
) -> None:
    """Each DELETE adds a delete marker (even over a marker): old markers go like old content."""
    key = folder(ALICE, "a")
    bucket.put(key, 10)
    for _ in range(3 * MAX_RETAINED_VERSIONS):
        bucket.delete(key)
    deliver(meter, bucket)
    assert len(ledger.history(ALICE, key).versions) == MAX_RETAINED_VERSIONS + 1
    assert len(bucket.keys[key]) == MAX_RETAINED_VERSIONS + 1
    assert len(ledger.history(ALICE, key).gone) <= MAX_GONE
    assert (ledger.usage(ALICE).bytes, ledger.usage(ALICE).objects) == (0, 0)


def test_a_rejection_loop_keeps_the_keys_record_bounded(
    meter: StorageMeter, bucket: InMemoryBucket, ledger: InMemoryLedger
) -> None:
    bucket.put(folder(ALICE, "full"), QUOTA)
    for _ in range(MAX_GONE + 50):
        bucket.put(folder(ALICE, "a"), 1)
    outcomes = deliver(meter, bucket)
    assert outcomes.count(Outcome.REJECTED) == MAX_GONE + 50
    assert len(ledger.history(ALICE, folder(ALICE, "a")).gone) == MAX_GONE
    assert ledger.usage(ALICE).rejected_writes == MAX_GONE + 50
    assert bucket.keys[folder(ALICE, "a")] == []


def test_an_unversioned_object_can_be_written_again_after_its_deletion(
    meter: StorageMeter, ledger: InMemoryLedger
) -> None:
    """With versioning off (or suspended) every write is the `null` version."""
    key = folder(ALICE, "a")

    def change(kind: ChangeKind, sequencer: str, size: int = 0) -> ObjectChange:
        return ObjectChange(kind, ALICE, key, NULL_VERSION, sequencer, size)

    meter.apply(change(ChangeKind.CREATED, "10", 100))
    meter.apply(change(ChangeKind.CREATED, "20", 50))  # overwritten in place
    assert ledger.usage(ALICE).bytes == 50
    meter.apply(change(ChangeKind.VERSION_DELETED, "30"))
    meter.apply(change(ChangeKind.CREATED, "40", 70))
    assert meter.apply(change(ChangeKind.CREATED, "20", 50)) == Outcome.UNCHANGED  # stale
    assert ledger.usage(ALICE).bytes == 70
    meter.apply(change(ChangeKind.VERSION_DELETED, "50"))
    assert (ledger.usage(ALICE).bytes, ledger.usage(ALICE).retained_bytes) == (0, 0)


def test_a_concurrent_change_of_the_key_is_read_again_not_lost(
    meter: StorageMeter, bucket: InMemoryBucket, ledger: InMemoryLedger
) -> None:
    key = folder(ALICE, "a")
    first, second = bucket.put(key, 100), bucket.put(key, 300)
    meter.apply(first)

    def another_environment_applies_first() -> None:
        ledger.before_record = lambda: None
        make_meter(ledger, bucket).apply(second)

    ledger.before_record = another_environment_applies_first
    assert meter.apply(second) == Outcome.UNCHANGED  # retried, found already applied
    assert ledger.usage(ALICE).bytes == 300


def test_growth_racing_another_key_is_decided_again_against_the_quota(
    meter: StorageMeter, bucket: InMemoryBucket, ledger: InMemoryLedger
) -> None:
    a, b = bucket.put(folder(ALICE, "a"), 600), bucket.put(folder(ALICE, "b"), 600)

    def the_other_write_lands_first() -> None:
        ledger.before_record = lambda: None
        assert make_meter(ledger, bucket).apply(a) == Outcome.APPLIED

    ledger.before_record = the_other_write_lands_first
    assert meter.apply(b) == Outcome.REJECTED
    assert ledger.usage(ALICE).bytes == 600


def test_a_key_that_never_settles_fails_the_event_for_a_retry(
    ledger: InMemoryLedger, bucket: InMemoryBucket
) -> None:
    def always_conflict() -> None:
        raise KeyChanged("busy")

    ledger.before_record = always_conflict
    with pytest.raises(KeyChanged):
        make_meter(ledger, bucket).apply(bucket.put(folder(ALICE, "a"), 1))
    assert ledger.usage(ALICE).bytes == 0
    assert issubclass(UsageBoundReached, Exception)


@pytest.mark.parametrize("seed", range(12))
def test_any_delivery_order_with_duplicates_ends_as_the_bucket_is(seed: int) -> None:
    """Random writes, overwrites and deletes by two users; events (also those of the meter's own
    deletions) delivered shuffled and some twice: the totals end equal to the bucket's, within
    the quota and the allowance."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable shuffle, not a secret
    ledger, bucket = InMemoryLedger(), InMemoryBucket()
    meter = make_meter(ledger, bucket, allowance=600)
    pending = []
    for _ in range(60):
        identity = rng.choice((ALICE, BOB))
        key = folder(identity, rng.choice("abcde"))
        if rng.random() < 0.7:
            bucket.put(key, rng.randint(0, 400))
        else:
            bucket.delete(key)
        pending += bucket.events
        bucket.events.clear()
        while pending and rng.random() < 0.5:  # deliver some now, in any order, maybe twice
            event = pending.pop(rng.randrange(len(pending)))
            meter.apply(event)
            if rng.random() < 0.2:
                pending.append(event)
            pending += bucket.events
            bucket.events.clear()
    while pending:
        meter.apply(pending.pop(rng.randrange(len(pending))))
        pending += bucket.events
        bucket.events.clear()
    for identity in (ALICE, BOB):
        usage = ledger.usage(identity)
        assert usage.bytes == bucket.current_bytes(identity) <= QUOTA
        assert usage.retained_bytes == sum(v.size for v in bucket.noncurrent(identity)) <= 600
