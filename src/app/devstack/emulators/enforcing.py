"""A moto server that enforces IAM for the user-files bucket, with what moto lacks for that.

moto enforces IAM actions and S3 object ARNs for assumed roles, but (moto 5.2) does not give its
condition check the request's `s3:prefix`, knows only the `StringEquals` operator, and never expires
assumed-role credentials. This launcher adds exactly those three things to moto's own evaluator,
then runs moto's server: policies are still evaluated by moto, not by code of ours. Its S3 events
carry what AWS's carry (`s3_events`): the storage meter orders them by `sequencer`. Browsers reach
it directly (the phone app's own folder), so its CORS is S3's, from the bucket's rules (`s3_cors`).
Run: python -m app.devstack.emulators.enforcing -H 127.0.0.1 -p PORT
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import parse_qs, urlsplit

from moto import server
from moto.core.utils import utcnow
from moto.iam import policy_conditions
from moto.iam.access_control import (
    AssumedRoleAccessKey,
    CreateAccessKeyFailure,
    IAMPolicy,
    IAMRequestBase,
    PermissionResult,
)
from moto.sts.models import sts_backends

from app.devstack.emulators import post_policy, s3_cors, s3_events
from app.devstack.emulators.process import LOCAL_SECRETS


def _string_like(expected_value: list[str] | str, actual_value: str) -> bool:
    patterns = [expected_value] if isinstance(expected_value, str) else expected_value
    return any(fnmatchcase(actual_value, pattern) for pattern in patterns)


def _check_action_permitted(self: Any, resource: str) -> None:
    """moto's check, plus the request context keys its condition evaluation can use."""
    if self._action == "sts:GetCallerIdentity":
        return
    query = parse_qs(urlsplit(self._path).query, keep_blank_values=True)
    context = {"s3:prefix": query.get("prefix", [""])[0]}
    permitted = False
    for policy in self._access_key.collect_policies():
        result = IAMPolicy(policy).is_action_permitted(self._action, resource, None, context)
        if result == PermissionResult.DENIED:
            self._raise_access_denied()
        elif result == PermissionResult.PERMITTED:
            permitted = True
    if self._is_assuming_role_operation(resource):
        permitted = permitted and self._check_role_trust_relationship(resource)
    if not permitted:
        self._raise_access_denied()


_original_key_init = AssumedRoleAccessKey.__init__


def _expiring_key_init(
    self: AssumedRoleAccessKey,
    account_id: str,
    partition: str,
    access_key_id: str,
    headers: dict[str, str],
) -> None:
    _original_key_init(self, account_id, partition, access_key_id, headers)
    role = sts_backends[account_id][partition].get_assumed_role_from_access_key(access_key_id)
    if role is not None and role.expiration <= utcnow():
        raise CreateAccessKeyFailure(reason="ExpiredToken")


def install() -> None:
    """Apply the three additions to moto (idempotent)."""
    policy_conditions.CONDITION_OPERATIONS["StringLike"] = _string_like
    IAMRequestBase.check_action_permitted = _check_action_permitted  # type: ignore[method-assign]
    AssumedRoleAccessKey.__init__ = _expiring_key_init  # type: ignore[method-assign]


if __name__ == "__main__":
    install()
    post_policy.install(LOCAL_SECRETS)
    s3_events.install()
    s3_cors.install()
    server.main()
