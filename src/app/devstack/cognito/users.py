"""Local users: sign up, confirm and sign in against the emulator's user pool."""

from __future__ import annotations

import contextlib
from typing import Any

import boto3

from app.devstack.emulators.process import LOCAL_CREDENTIALS

# Local stack only: the emulator listens on loopback and holds nothing real.
DEFAULT_LOCAL_PASSWORD = "Local-Passw0rd-2026"  # noqa: S105


def sign_in(
    outputs: dict[str, str], email: str, password: str, groups: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Create the user if needed (confirmed, in `groups`), then sign in; returns the tokens."""
    client = boto3.client(
        "cognito-idp",
        endpoint_url=outputs["AwsEndpointUrl"],
        region_name=outputs["Region"],
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    with contextlib.suppress(client.exceptions.UsernameExistsException):
        client.sign_up(ClientId=outputs["UserPoolClientId"], Username=email, Password=password)
    user = client.admin_get_user(UserPoolId=outputs["UserPoolId"], Username=email)
    if user["UserStatus"] == "UNCONFIRMED":
        client.admin_confirm_sign_up(UserPoolId=outputs["UserPoolId"], Username=email)
    for group in groups:
        client.admin_add_user_to_group(
            UserPoolId=outputs["UserPoolId"], Username=email, GroupName=group
        )
    result = client.initiate_auth(
        ClientId=outputs["UserPoolClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )["AuthenticationResult"]
    return dict(result)
