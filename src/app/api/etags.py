"""Entity tags for to-dos (`"v<version>"`) and the If-Match / If-None-Match rules of RFC 9110."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header

from app.api.errors import ApiProblem
from app.api.schemas.problem import FieldProblem

_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')
_VERSION = re.compile(r"v([1-9][0-9]{0,17})")
# RFC 9110 entity-tag lists, as documented (the parser below enforces them with a 400).
_TAG_LIST = r'^\s*(\*|(W/)?"[^"]*"(\s*,\s*(W/)?"[^"]*")*)\s*$'

IfMatch = Annotated[
    str | None,
    Header(
        description='ETag from a previous read (`"v3"`); a stale one gets 412.',
        json_schema_extra={"pattern": _TAG_LIST},
        examples=['"v3"'],
    ),
]
IfNoneMatch = Annotated[
    str | None,
    Header(
        description="ETag you hold; 304 when unchanged.",
        json_schema_extra={"pattern": _TAG_LIST},
        examples=['"v3"'],
    ),
]


def etag_for(version: int) -> str:
    """The strong ETag of a representation at `version`."""
    return f'"v{version}"'


def _tags(header: str, name: str) -> list[tuple[bool, str]]:
    tags: list[tuple[bool, str]] = []
    position = 0
    while position < len(header) or not tags:  # an empty list is not a valid header either
        match = _TAG.match(header, position)
        if match is None:
            raise ApiProblem(
                400,
                "invalid_precondition",
                f"{name} must be * or a list of quoted entity tags.",
                errors=[FieldProblem(header=name, detail="Not a valid entity-tag list.")],
            )
        tags.append((match.group(1) is not None, match.group(2)))
        position = match.end()
    return tags


def versions_from_if_match(header: str | None) -> set[int] | None:
    """Versions an If-Match header accepts; None when absent or `*` (any existing version).

    If-Match uses the strong comparison, so weak tags never match (RFC 9110 13.1.1).
    """
    if header is None or header.strip() == "*":
        return None
    versions: set[int] = set()
    for weak, value in _tags(header, "If-Match"):
        match = _VERSION.fullmatch(value)
        if not weak and match:
            versions.add(int(match.group(1)))
    return versions


def if_none_match_hits(header: str | None, current_etag: str) -> bool:
    """True when If-None-Match names the current representation (weak comparison)."""
    if header is None:
        return False
    if header.strip() == "*":
        return True
    current = current_etag.removeprefix("W/")
    return any(f'"{value}"' == current for _, value in _tags(header, "If-None-Match"))
