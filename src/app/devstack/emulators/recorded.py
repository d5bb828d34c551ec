"""The main emulator: moto server, with two changes that make its recording a reliable store.

- A user's `sub` is derived from the pool and the username, not from moto's random sequence,
  so users (and the to-dos keyed by their `sub`) are the same after the recording is replayed,
  whatever order concurrent requests happened to take.
- Reads are not recorded (GET/HEAD, stream polling, item and query reads): only writes change
  state, and the stream pump and the site would otherwise grow the recording without end.
And its S3 events carry what AWS's carry (`s3_events`), like the user-files emulator's, and its
user pools revoke refresh tokens (`cognito_revoke`), which a browser's sign-out calls.
Run: python -m app.devstack.emulators.recorded -H 127.0.0.1 -p PORT
"""

from __future__ import annotations

import uuid
from typing import Any

from moto import server
from moto.cognitoidp.models import CognitoIdpUser
from moto.moto_api._internal.recorder.models import Recorder

from app.devstack.emulators import (
    cognito_revoke,
    dynamodb_transactions,
    post_policy,
    s3_events,
    ses_simulator,
)
from app.devstack.emulators.process import LOCAL_SECRETS

_READS = (
    "DynamoDBStreams_20120810.",
    "DynamoDB_20120810.GetItem",
    "DynamoDB_20120810.BatchGetItem",
    "DynamoDB_20120810.Query",
    "DynamoDB_20120810.Scan",
    "DynamoDB_20120810.Describe",
    "DynamoDB_20120810.List",
    "secretsmanager.GetSecretValue",
    "secretsmanager.Describe",
    "AWSCognitoIdentityProviderService.InitiateAuth",
    "AWSCognitoIdentityProviderService.GetUser",
    "AWSCognitoIdentityProviderService.AdminGetUser",
    "AWSCognitoIdentityProviderService.List",
    "AWSCognitoIdentityProviderService.Describe",
    "AmazonSQS.ReceiveMessage",
    "AmazonSQS.GetQueue",
)
_SQS_READS = ("Action=ReceiveMessage", "Action=GetQueue")

_original_user_init = CognitoIdpUser.__init__
_original_record = Recorder._record_request


def _stable_user_init(
    self: CognitoIdpUser,
    user_pool_id: str,
    username: str | None,
    password: str | None,
    status: str,
    attributes: list[dict[str, str]],
) -> None:
    _original_user_init(self, user_pool_id, username, password, status, attributes)
    email = next((a["Value"] for a in attributes or [] if a["Name"] == "email"), None)
    key = username or email
    if key:
        random_id = self.id
        self.id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"cognito-user/{user_pool_id}/{key}"))
        if self.username == random_id:
            self.username = self.id
        self.update_attributes([{"Name": "sub", "Value": self.id}])


def _record_writes_only(self: Recorder, request: Any, body: bytes | None = None) -> None:
    if request.method in ("GET", "HEAD"):
        return
    target = request.headers.get("X-Amz-Target", "")
    if target.startswith(_READS):
        return
    if any(read in (request.query_string or b"").decode("latin-1") for read in _SQS_READS):
        return
    _original_record(self, request, body)


def install() -> None:
    """Apply both changes to moto."""
    CognitoIdpUser.__init__ = _stable_user_init  # type: ignore[method-assign]
    Recorder._record_request = _record_writes_only  # type: ignore[method-assign]


if __name__ == "__main__":
    install()
    post_policy.install(LOCAL_SECRETS)
    ses_simulator.install()
    dynamodb_transactions.install()
    s3_events.install()
    cognito_revoke.install()
    server.main()
