"""The local S3's POST-policy check against policies boto3 really signs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from botocore.config import Config

from app.devstack.emulators.post_policy import check_post

BUCKET, KEY = "photos", "uploads/post/01abc"
SECRETS = {"AKIDLOCAL": "secret-local"}
NOW = dt.datetime.now(dt.UTC)


def presigned(content_type: str = "image/jpeg", max_bytes: int = 100) -> dict[str, str]:
    s3 = boto3.client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id="AKIDLOCAL",
        aws_secret_access_key="secret-local",
        config=Config(signature_version="s3v4"),  # as the photos adapter signs
    )
    post: dict[str, Any] = s3.generate_presigned_post(
        Bucket=BUCKET,
        Key=KEY,
        Fields={"Content-Type": content_type},
        Conditions=[["content-length-range", 1, max_bytes], {"Content-Type": content_type}],
        ExpiresIn=600,
    )
    return {k: str(v) for k, v in post["fields"].items()}


def test_the_form_boto3_signed_is_stored() -> None:
    assert check_post(BUCKET, presigned(), 10, NOW, SECRETS.get) is None


@pytest.mark.parametrize(
    ("change", "size", "when", "status", "code", "message"),
    [
        ({"Content-Type": "image/gif"}, 10, NOW, 403, "AccessDenied", "Policy Condition failed"),
        ({"content-type": "image/svg+xml"}, 10, NOW, 403, "AccessDenied", "Condition failed"),
        ({"key": "uploads/other/01abc"}, 10, NOW, 403, "AccessDenied", "Condition failed"),
        ({"x-amz-meta-owner": "me"}, 10, NOW, 403, "AccessDenied", "Extra input fields"),
        ({}, 101, NOW, 400, "EntityTooLarge", "exceeds the maximum"),
        ({}, 0, NOW, 400, "EntityTooSmall", "smaller than the minimum"),
        ({}, 10, None, 403, "AccessDenied", "Policy expired"),  # 11 minutes on
        ({"x-amz-signature": "0" * 64}, 10, NOW, 403, "SignatureDoesNotMatch", "signature"),
        ({"policy": "e30="}, 10, NOW, 403, "SignatureDoesNotMatch", "signature"),
    ],
)
def test_s3_refuses_what_the_policy_does_not_allow(
    change: dict[str, str],
    size: int,
    when: dt.datetime | None,
    status: int,
    code: str,
    message: str,
) -> None:
    fields = {**presigned(), **change}
    moment = when or dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)
    refusal = check_post(BUCKET, fields, size, moment, SECRETS.get)
    assert refusal is not None
    assert (refusal.status, refusal.code) == (status, code)
    assert message in refusal.message
    assert f"<Code>{code}</Code>" in refusal.xml()


def test_another_bucket_and_unknown_keys_are_refused() -> None:
    refusal = check_post("other-bucket", presigned(), 10, NOW, SECRETS.get)
    assert refusal is not None
    assert refusal.status == 403
    nobody: dict[str, str] = {}
    unknown = check_post(BUCKET, presigned(), 10, NOW, nobody.get)
    assert unknown is not None
    assert unknown.code == "InvalidAccessKeyId"
    no_policy = {k: v for k, v in presigned().items() if k != "policy"}
    assert check_post(BUCKET, no_policy, 10, NOW, SECRETS.get) is not None
