"""Who may change a post or photo: its author, or any editor; readers never."""

from __future__ import annotations

import pytest

from app.domain.identity import Caller
from app.domain.posts import NotAnAuthor, NotYours, may_change, require_may_change

OWNER = "owner-sub"


@pytest.mark.parametrize(
    ("user_id", "groups", "allowed", "error"),
    [
        (OWNER, {"authors"}, True, None),
        ("other-sub", {"authors"}, False, NotYours),
        ("other-sub", {"editors"}, True, None),
        ("other-sub", {"authors", "editors"}, True, None),
        (OWNER, set(), False, NotAnAuthor),  # left the authors group: no longer writes
        ("other-sub", set(), False, NotAnAuthor),
        ("other-sub", {"Editors"}, False, NotAnAuthor),  # group names are exact
    ],
)
def test_owner_or_editor(
    user_id: str, groups: set[str], allowed: bool, error: type[Exception] | None
) -> None:
    caller = Caller(user_id=user_id, groups=frozenset(groups))
    assert may_change(caller, OWNER) is allowed
    if error is None:
        require_may_change(caller, OWNER)
    else:
        with pytest.raises(error):
            require_may_change(caller, OWNER)
