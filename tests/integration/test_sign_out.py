"""Signing out as a browser does: `RevokeToken` on the local user pool (moto lacks it).

The refresh token stops working, the access tokens issued from it stop working with the pool's
APIs, another client's revocation is refused, an unknown token is not an error (RFC 7009), and
a browser on the site's origin can read the answers (CORS).
"""

from __future__ import annotations

import secrets

import httpx
import pytest
from botocore.exceptions import ClientError

from app.devstack.cognito.users import sign_in
from tests.conftest import LocalAws

PASSWORD = "Revoke-Passw0rd-2026"


def test_a_revoked_refresh_token_refreshes_nothing(local_aws: LocalAws) -> None:
    cognito, outputs = local_aws.cognito(), local_aws.outputs
    client_id = outputs["UserPoolClientId"]
    email = f"leaving-{secrets.token_hex(4)}@example.com"
    first = sign_in(outputs, email, PASSWORD)
    second = sign_in(outputs, email, PASSWORD)  # the same user on another device

    with pytest.raises(ClientError) as refused:
        cognito.revoke_token(Token=first["RefreshToken"], ClientId="another-client")
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"

    cognito.revoke_token(Token=first["RefreshToken"], ClientId=client_id)
    with pytest.raises(ClientError) as expired:
        cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    assert expired.value.response["Error"]["Code"] == "NotAuthorizedException"
    with pytest.raises(ClientError):
        cognito.get_user(AccessToken=first["AccessToken"])

    # Only that sign-in ends: the other device keeps its session.
    assert cognito.get_user(AccessToken=second["AccessToken"])["Username"]
    refreshed = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": second["RefreshToken"]},
    )
    assert refreshed["AuthenticationResult"]["IdToken"]
    cognito.revoke_token(Token="not-a-token-the-pool-issued", ClientId=client_id)  # no error


def test_a_browser_can_read_the_revocation(local_aws: LocalAws) -> None:
    outputs = local_aws.outputs
    tokens = sign_in(outputs, f"browser-{secrets.token_hex(4)}@example.com", PASSWORD)
    origin = local_aws.site_url.rstrip("/")
    answer = httpx.post(
        local_aws.endpoint,
        headers={
            "Origin": origin,
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.RevokeToken",
        },
        content=(
            f'{{"Token": "{tokens["RefreshToken"]}", "ClientId": "{outputs["UserPoolClientId"]}"}}'
        ),
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] in ("*", origin)
