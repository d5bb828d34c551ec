"""Each user reaches only their own S3 folder with Identity Pool credentials, enforced by IAM.

The user-files S3 is the IAM-enforcing emulator; the credentials come from the local Cognito
Identity service through boto3's own `GetId` / `GetCredentialsForIdentity` calls.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from app.devstack.cognito.identity_pools import IdentityError
from tests.clients import identity_client, login_provider, s3_with, user_files
from tests.conftest import TEST_PASSWORD, TEST_QUOTA_BYTES, LocalAws, SignedIn


@pytest.fixture(scope="module")
def outputs(local_aws: LocalAws) -> dict[str, str]:
    return {**local_aws.outputs, "CognitoIdentityEndpoint": local_aws.identity_url}


@pytest.fixture(scope="module")
def bucket(outputs: dict[str, str]) -> str:
    return outputs["UserFilesBucketName"]


@pytest.fixture(scope="module")
def alice(sign_up: Callable[[], SignedIn]) -> SignedIn:
    return sign_up()


@pytest.fixture(scope="module")
def bob(sign_up: Callable[[], SignedIn]) -> SignedIn:
    return sign_up()


def denied(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as info:
        call()
    code: str = info.value.response["Error"]["Code"]
    return code


def test_user_reads_writes_lists_and_deletes_in_own_folder(
    outputs: dict[str, str], bucket: str, alice: SignedIn
) -> None:
    identity_id, s3 = user_files(outputs, alice.id_token)
    folder = f"private/{identity_id}/"
    s3.put_object(Bucket=bucket, Key=f"{folder}notes/a.txt", Body=b"hello")
    assert s3.get_object(Bucket=bucket, Key=f"{folder}notes/a.txt")["Body"].read() == b"hello"
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=folder)
    assert [o["Key"] for o in listed["Contents"]] == [f"{folder}notes/a.txt"]
    sub_listing = s3.list_objects_v2(Bucket=bucket, Prefix=f"{folder}notes/")
    assert sub_listing["KeyCount"] == 1
    s3.delete_object(Bucket=bucket, Key=f"{folder}notes/a.txt")
    assert s3.list_objects_v2(Bucket=bucket, Prefix=folder)["KeyCount"] == 0


def test_user_is_denied_everything_outside_own_folder(
    outputs: dict[str, str], bucket: str, alice: SignedIn, bob: SignedIn
) -> None:
    bob_id, bob_s3 = user_files(outputs, bob.id_token)
    bob_s3.put_object(Bucket=bucket, Key=f"private/{bob_id}/secret.txt", Body=b"bob's")
    alice_id, s3 = user_files(outputs, alice.id_token)
    assert alice_id != bob_id
    bobs = f"private/{bob_id}/secret.txt"
    assert denied(lambda: s3.get_object(Bucket=bucket, Key=bobs)) == "AccessDenied"
    assert denied(lambda: s3.put_object(Bucket=bucket, Key=bobs, Body=b"x")) == "AccessDenied"
    assert denied(lambda: s3.delete_object(Bucket=bucket, Key=bobs)) == "AccessDenied"
    assert denied(lambda: s3.list_objects_v2(Bucket=bucket, Prefix=f"private/{bob_id}/"))
    assert denied(lambda: s3.list_objects_v2(Bucket=bucket))
    assert denied(lambda: s3.list_objects_v2(Bucket=bucket, Prefix="private/"))
    assert denied(lambda: s3.put_object(Bucket=bucket, Key="root.txt", Body=b"x"))
    # A prefix that merely starts like Alice's id is someone else's folder, not hers.
    assert denied(lambda: s3.put_object(Bucket=bucket, Key=f"private/{alice_id}x/a", Body=b"x"))
    assert bob_s3.get_object(Bucket=bucket, Key=bobs)["Body"].read() == b"bob's"


def test_identity_id_is_stable_and_not_the_user_pool_sub(
    outputs: dict[str, str], alice: SignedIn
) -> None:
    first, _ = user_files(outputs, alice.id_token)
    again, _ = user_files(outputs, alice.id_token)
    assert first == again
    assert alice.sub not in first
    assert first.startswith(f"{outputs['Region']}:")


def test_api_tells_the_folder_of_the_identity_not_the_sub(
    client: httpx.Client, outputs: dict[str, str], bucket: str, alice: SignedIn
) -> None:
    response = client.get("/me/storage", headers=alice.headers)
    assert response.status_code == 200
    storage = response.json()
    identity_id, s3 = user_files(outputs, alice.id_token)
    usage = {k: storage.pop(k) for k in ("usedBytes", "objects", "lastRejectedWrite")}
    assert storage == {
        "bucket": bucket,
        "prefix": f"private/{identity_id}/",
        "region": outputs["Region"],
        "identityPoolId": outputs["IdentityPoolId"],
        "loginProvider": login_provider(outputs),
        "quotaBytes": TEST_QUOTA_BYTES,
    }
    assert usage == {"usedBytes": 0, "objects": 0, "lastRejectedWrite": None}  # nothing kept
    assert response.headers["cache-control"].startswith("private")
    s3.put_object(Bucket=bucket, Key=storage["prefix"] + "from-api.txt", Body=b"ok")


def test_me_storage_needs_a_token(client: httpx.Client) -> None:
    response = client.get("/me/storage")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def other_pool_token(local_aws: LocalAws, *, same_pool: bool) -> str:
    cognito = local_aws.cognito()
    pool_id = local_aws.outputs["UserPoolId"]
    if not same_pool:
        pool_id = cognito.create_user_pool(PoolName=f"other-{time.time_ns()}")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="other", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    email = f"other-{time.time_ns()}@example.com"
    cognito.sign_up(ClientId=client_id, Username=email, Password=TEST_PASSWORD)
    cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username=email)
    token: str = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": TEST_PASSWORD},
    )["AuthenticationResult"]["IdToken"]
    return token


@pytest.mark.parametrize("same_pool", [True, False], ids=["other-client", "other-pool"])
def test_token_from_another_pool_or_client_gets_nothing(
    local_aws: LocalAws, outputs: dict[str, str], same_pool: bool
) -> None:
    token = other_pool_token(local_aws, same_pool=same_pool)
    identity = identity_client(outputs)
    logins = {login_provider(outputs): token}
    with pytest.raises(identity.exceptions.NotAuthorizedException):
        identity.get_id(IdentityPoolId=outputs["IdentityPoolId"], Logins=logins)
    with pytest.raises(identity.exceptions.NotAuthorizedException):
        identity.get_credentials_for_identity(
            IdentityId=f"{outputs['Region']}:00000000-0000-0000-0000-000000000000", Logins=logins
        )


def test_unauthenticated_identities_and_foreign_identity_ids_are_refused(
    outputs: dict[str, str], alice: SignedIn, bob: SignedIn
) -> None:
    identity = identity_client(outputs)
    with pytest.raises(identity.exceptions.NotAuthorizedException):
        identity.get_id(IdentityPoolId=outputs["IdentityPoolId"], Logins={})
    bob_id, _ = user_files(outputs, bob.id_token)
    with pytest.raises(identity.exceptions.NotAuthorizedException):
        identity.get_credentials_for_identity(
            IdentityId=bob_id, Logins={login_provider(outputs): alice.id_token}
        )
    with pytest.raises(identity.exceptions.ResourceNotFoundException):
        identity.get_id(
            IdentityPoolId=f"{outputs['Region']}:not-this-pool",
            Logins={login_provider(outputs): alice.id_token},
        )


def test_expired_credentials_stop_working(
    local_aws: LocalAws, outputs: dict[str, str], bucket: str, alice: SignedIn
) -> None:
    service = local_aws.stack.identity.with_credentials_ttl(2)
    logins = {login_provider(outputs): alice.id_token}
    identity_id = service.handle(
        "AWSCognitoIdentityService.GetId",
        json.dumps({"IdentityPoolId": outputs["IdentityPoolId"], "Logins": logins}).encode(),
    )["IdentityId"]
    issued = service.handle(
        "AWSCognitoIdentityService.GetCredentialsForIdentity",
        json.dumps({"IdentityId": identity_id, "Logins": logins}).encode(),
    )["Credentials"]
    s3 = s3_with(outputs, issued)
    key = f"private/{identity_id}/short-lived.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"ok")
    time.sleep(max(0.0, issued["Expiration"] - time.time()) + 1)
    assert denied(lambda: s3.get_object(Bucket=bucket, Key=key)) in {
        "InvalidToken", "InvalidAccessKeyId", "ExpiredToken", "AccessDenied",
    }  # fmt: skip


def test_identity_service_rejects_malformed_requests(local_aws: LocalAws) -> None:
    service = local_aws.stack.identity
    with pytest.raises(IdentityError) as info:
        service.handle("AWSCognitoIdentityService.DeleteIdentityPool", b"{}")
    assert info.value.kind == "InvalidAction"
    with pytest.raises(IdentityError) as info:
        service.handle("AWSCognitoIdentityService.GetId", b"not json")
    assert info.value.kind == "SerializationException"


def test_browsers_reach_the_identity_service_and_the_bucket_from_the_site_only(
    outputs: dict[str, str], bucket: str
) -> None:
    site = outputs["SiteUrl"].rstrip("/")
    asks = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    identity = httpx.options(
        outputs["CognitoIdentityEndpoint"] + "/", headers={"Origin": site, **asks}
    )
    assert identity.status_code == 200
    assert identity.headers["access-control-allow-origin"] in {"*", site}
    asks = {
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization",
    }
    files = f"{outputs['UserFilesS3Endpoint']}/{bucket}/private/someone/a.txt"
    allowed = httpx.options(files, headers={"Origin": site, **asks})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == site
    refused = httpx.options(files, headers={"Origin": "https://elsewhere.example", **asks})
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers
