"""Cursors are opaque and tamper-proof."""

from __future__ import annotations

import base64
import json

import pytest

from app.domain.cursors import CursorCodec
from app.domain.errors import InvalidCursor

MARKER = {"userId": "alice", "id": "01JD"}


@pytest.fixture
def codec() -> CursorCodec:
    return CursorCodec(b"s" * 32)


def test_round_trip(codec: CursorCodec) -> None:
    assert codec.decode(codec.encode(MARKER, "scope-a"), "scope-a") == MARKER


def test_other_scope_is_refused(codec: CursorCodec) -> None:
    with pytest.raises(InvalidCursor):
        codec.decode(codec.encode(MARKER, "scope-a"), "scope-b")


def test_altered_payload_is_refused(codec: CursorCodec) -> None:
    cursor = codec.encode(MARKER, "s")
    body, tag = cursor.split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"userId": "bob", "id": "01JD"}).encode())
    with pytest.raises(InvalidCursor):
        codec.decode(forged.decode().rstrip("=") + "." + tag, "s")
    assert body


def test_other_secret_is_refused(codec: CursorCodec) -> None:
    cursor = CursorCodec(b"t" * 32).encode(MARKER, "s")
    with pytest.raises(InvalidCursor):
        codec.decode(cursor, "s")


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "!!!.???", "x" * 2000, "e30.AAAA"])
def test_garbage_is_refused(codec: CursorCodec, garbage: str) -> None:
    with pytest.raises(InvalidCursor):
        codec.decode(garbage, "s")


def test_short_secret_is_rejected_at_construction() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        CursorCodec(b"short")
