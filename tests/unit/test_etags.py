"""If-Match / If-None-Match parsing (RFC 9110)."""

from __future__ import annotations

import pytest

from app.api.errors import ApiProblem
from app.api.etags import etag_for, if_none_match_hits, versions_from_if_match


def test_etag_changes_with_version() -> None:
    assert etag_for(1) != etag_for(2)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("*", None),
        ('"v3"', {3}),
        ('"v3", "v4"', {3, 4}),
        ('W/"v3"', set()),  # If-Match uses the strong comparison
        ('"something-else"', set()),
        ('"v0"', set()),
    ],
)
def test_if_match_versions(header: str | None, expected: set[int] | None) -> None:
    assert versions_from_if_match(header) == expected


@pytest.mark.parametrize("header", ["v3", '"v3', '"v3" junk'])
def test_malformed_if_match_is_a_400(header: str) -> None:
    with pytest.raises(ApiProblem) as info:
        versions_from_if_match(header)
    assert info.value.status == 400


@pytest.mark.parametrize(
    ("header", "hit"),
    [
        (None, False),
        ("*", True),
        ('"v2"', True),
        ('W/"v2"', True),
        ('"v1", "v2"', True),
        ('"v1"', False),
    ],
)
def test_if_none_match_uses_weak_comparison(header: str | None, hit: bool) -> None:
    assert if_none_match_hits(header, etag_for(2)) is hit
