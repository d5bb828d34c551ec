"""Signed tokens are opaque and tamper-proof, and outlive a key rotation until their key retires."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from app.domain.cursors import CursorCodec
from app.domain.errors import InvalidCursor
from app.domain.signing import (
    InvalidKeyRing,
    SigningKey,
    StaticKeyRing,
    parse_ring,
    rotated,
    serialize_ring,
)

MARKER = {"userId": "alice", "id": "01JD"}
T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


class FixedClock:
    def __init__(self, now: dt.datetime) -> None:
        self.current = now

    def now(self) -> dt.datetime:
        return self.current


def ring(*keys: SigningKey, clock: FixedClock | None = None) -> StaticKeyRing:
    return StaticKeyRing(list(keys), clock)


@pytest.fixture
def codec() -> CursorCodec:
    return CursorCodec(ring(SigningKey("k1", b"s" * 32)))


def test_round_trip(codec: CursorCodec) -> None:
    token = codec.encode(MARKER, "scope-a")
    assert token.startswith("k1.")
    assert codec.decode(token, "scope-a") == MARKER


def test_other_scope_is_refused(codec: CursorCodec) -> None:
    with pytest.raises(InvalidCursor):
        codec.decode(codec.encode(MARKER, "scope-a"), "scope-b")


def test_altered_payload_is_refused(codec: CursorCodec) -> None:
    key_id, _, tag = codec.encode(MARKER, "s").split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"userId": "bob", "id": "01JD"}).encode())
    with pytest.raises(InvalidCursor):
        codec.decode(f"{key_id}.{forged.decode().rstrip('=')}.{tag}", "s")


def test_another_key_or_a_relabelled_key_is_refused(codec: CursorCodec) -> None:
    other = CursorCodec(ring(SigningKey("k1", b"t" * 32))).encode(MARKER, "s")
    with pytest.raises(InvalidCursor):
        codec.decode(other, "s")
    both = CursorCodec(ring(SigningKey("k2", b"u" * 32), SigningKey("k1", b"s" * 32)))
    _, body, tag = codec.encode(MARKER, "s").split(".")
    with pytest.raises(InvalidCursor):
        both.decode(f"k2.{body}.{tag}", "s")  # the key id is signed too


@pytest.mark.parametrize(
    "garbage", ["", "abc", "a.b", "a.b.c", "k1.!!!.???", "x" * 2000, "k1.e30.AAAA", ".e30.AAAA"]
)
def test_garbage_is_refused(codec: CursorCodec, garbage: str) -> None:
    with pytest.raises(InvalidCursor):
        codec.decode(garbage, "s")


def test_after_a_rotation_old_tokens_verify_until_the_old_key_retires() -> None:
    clock = FixedClock(T0)
    keys = parse_ring(json.dumps({"id": "initial", "secret": "s" * 64}))
    before = CursorCodec(ring(*keys, clock=clock)).encode(MARKER, "s")
    keys = rotated(keys, T0, dt.timedelta(hours=24))
    assert [k.id for k in keys][1:] == ["initial"]
    assert keys[1].retires_at == T0 + dt.timedelta(hours=24)
    after = CursorCodec(ring(*parse_ring(serialize_ring(keys)), clock=clock))
    assert after.encode(MARKER, "s").split(".")[0] == keys[0].id  # the new key signs
    assert after.decode(before, "s") == MARKER  # the old one still verifies
    clock.current = T0 + dt.timedelta(hours=24)
    with pytest.raises(InvalidCursor):
        after.decode(before, "s")


def test_rotation_drops_retired_keys_and_keeps_grace_of_earlier_ones() -> None:
    keys = [SigningKey("a", b"a" * 32)]
    keys = rotated(keys, T0, dt.timedelta(days=10))
    keys = rotated(keys, T0 + dt.timedelta(days=5), dt.timedelta(days=10))
    assert [k.retires_at for k in keys] == [
        None,
        T0 + dt.timedelta(days=15),
        T0 + dt.timedelta(days=10),  # not extended by the second rotation
    ]
    keys = rotated(keys, T0 + dt.timedelta(days=11), dt.timedelta(days=10))
    assert len(keys) == 3  # "a" retired and is gone
    assert len({k.id for k in keys}) == 3


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not json",
        "[]",
        '{"keys": []}',
        '{"id": "k", "secret": "short"}',
        '{"id": "k.1", "secret": "' + "s" * 40 + '"}',
        '{"keys": [{"id": "k"}]}',
    ],
)
def test_a_secret_without_a_usable_ring_is_refused(value: str) -> None:
    with pytest.raises(InvalidKeyRing):
        parse_ring(value)
