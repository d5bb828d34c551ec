"""What a mobile app does with Cognito and S3, in boto3 only: used by integration and e2e tests."""

from __future__ import annotations

from typing import Any

import boto3


def identity_client(outputs: dict[str, str]) -> Any:
    """Cognito Identity at the endpoint the stack publishes (unsigned calls, as on a phone)."""
    return boto3.client(
        "cognito-identity",
        endpoint_url=outputs["CognitoIdentityEndpoint"],
        region_name=outputs["Region"],
    )


def login_provider(outputs: dict[str, str]) -> str:
    """The `Logins` key of the user pool."""
    return f"cognito-idp.{outputs['Region']}.amazonaws.com/{outputs['UserPoolId']}"


def user_files(outputs: dict[str, str], id_token: str) -> tuple[str, Any]:
    """Sign-in token -> GetId -> GetCredentialsForIdentity -> S3 client with those credentials."""
    identity = identity_client(outputs)
    logins = {login_provider(outputs): id_token}
    identity_id: str = identity.get_id(IdentityPoolId=outputs["IdentityPoolId"], Logins=logins)[
        "IdentityId"
    ]
    credentials = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)[
        "Credentials"
    ]
    return identity_id, s3_with(outputs, credentials)


def s3_with(outputs: dict[str, str], credentials: dict[str, Any]) -> Any:
    """An S3 client on the user-files endpoint with Cognito Identity credentials."""
    return boto3.client(
        "s3",
        endpoint_url=outputs["UserFilesS3Endpoint"],
        region_name=outputs["Region"],
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretKey"],
        aws_session_token=credentials["SessionToken"],
    )
