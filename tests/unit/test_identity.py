"""Claims become a Caller the same way from the authorizer and from a verified token."""

from __future__ import annotations

import pytest

from app.domain.identity import Unauthenticated, caller_from_claims


def test_authorizer_string_groups_are_parsed() -> None:
    caller = caller_from_claims(
        {"sub": "u1", "email": "a@x.io", "cognito:groups": "[authors, admins]"}
    )
    assert caller.user_id == "u1"
    assert caller.email == "a@x.io"
    assert caller.groups == {"authors", "admins"}


def test_token_list_groups_are_parsed() -> None:
    assert caller_from_claims({"sub": "u1", "cognito:groups": ["authors"]}).groups == {"authors"}


@pytest.mark.parametrize("claims", [{}, {"sub": ""}, {"sub": 5}])
def test_claims_without_subject_are_unauthenticated(claims: dict[str, object]) -> None:
    with pytest.raises(Unauthenticated):
        caller_from_claims(claims)
