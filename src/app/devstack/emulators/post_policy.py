"""S3 POST policies, checked as S3 checks them: moto (5.2) stores a POSTed object unread.

A browser upload (`generate_presigned_post`) carries a base64 policy, signed with SigV4, that
S3 enforces before storing anything (Amazon S3 API Reference, "Browser-Based Uploads Using POST
(AWS Signature Version 4)", "Creating a POST Policy"):

- the signature is `hex(HMAC(signing key, base64 policy))`, else 403 SignatureDoesNotMatch;
- `expiration` passed: 403 AccessDenied "Invalid according to Policy: Policy expired.";
- every condition holds: `{"field": v}` and `["eq", "$field", v]` match exactly, `["starts-with",
  "$field", p]` by prefix (on `Content-Type`, each comma-separated value), `bucket` against the
  target bucket; else 403 AccessDenied "Invalid according to Policy: Policy Condition failed";
- every form field except `x-amz-signature`, `file`, `policy` and `x-ignore-*` has a condition,
  else 403 "Invalid according to Policy: Extra input fields: ...";
- `["content-length-range", min, max]` bounds the file: 400 EntityTooLarge / EntityTooSmall.

Field names compare case-insensitively. Installed into the emulators by `install()`; a recording
being replayed is not checked again (its policies were checked when it was recorded and have
expired since).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from app.devstack.emulators import replaying

UNSIGNED_FIELDS = frozenset({"x-amz-signature", "file", "policy"})
TOO_LARGE = "exceeds the maximum allowed size"
TOO_SMALL = "is smaller than the minimum allowed size"


@dataclass(frozen=True)
class Refusal:
    """What S3 answers instead of storing the object."""

    status: int
    code: str
    message: str

    def xml(self) -> str:
        """S3's error document."""
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error>'
            f"<Code>{self.code}</Code><Message>{escape(self.message)}</Message></Error>"
        )


def _denied(message: str) -> Refusal:
    return Refusal(403, "AccessDenied", f"Invalid according to Policy: {message}")


def check_post(
    bucket: str,
    fields: Mapping[str, str],
    size: int,
    now: dt.datetime,
    secret_for: Callable[[str], str | None],
) -> Refusal | None:
    """None when S3 would store the upload; else its refusal."""
    form = {name.lower(): value for name, value in fields.items()}
    encoded = form.get("policy")
    if encoded is None:
        return Refusal(403, "AccessDenied", "Access Denied")  # the bucket is not public
    refusal = _check_signature(encoded, form, secret_for)
    if refusal is not None:
        return refusal
    try:
        policy = json.loads(base64.b64decode(encoded, validate=True))
        expiration = dt.datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00"))
        conditions: list[Any] = list(policy["conditions"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        return Refusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")
    if expiration <= now:
        return _denied("Policy expired.")
    covered: set[str] = set()
    for condition in conditions:
        refusal = _check_condition(condition, bucket, form, size, covered)
        if refusal is not None:
            return refusal
    extra = sorted(
        name
        for name in form
        if name not in UNSIGNED_FIELDS and not name.startswith("x-ignore-") and name not in covered
    )
    return _denied(f"Extra input fields: {', '.join(extra)}") if extra else None


def _check_signature(
    encoded: str, form: dict[str, str], secret_for: Callable[[str], str | None]
) -> Refusal | None:
    credential = form.get("x-amz-credential", "").split("/")
    if form.get("x-amz-algorithm") != "AWS4-HMAC-SHA256" or len(credential) != 5:
        return _denied("Policy Condition failed: x-amz-algorithm or x-amz-credential")
    access_key, date, region, service, _ = credential
    secret = secret_for(access_key)
    if secret is None:
        message = "The AWS Access Key Id you provided does not exist in our records."
        return Refusal(403, "InvalidAccessKeyId", message)
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, encoded.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, form.get("x-amz-signature", "")):
        message = (
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method."
        )
        return Refusal(403, "SignatureDoesNotMatch", message)
    return None


def _check_condition(
    condition: Any, bucket: str, form: dict[str, str], size: int, covered: set[str]
) -> Refusal | None:
    if isinstance(condition, dict):
        ((name, value),) = condition.items()
        condition = ["eq", f"${name}", value]
    operator, *args = condition
    if str(operator).lower() == "content-length-range":
        low, high = int(args[0]), int(args[1])
        if size > high:
            return Refusal(
                400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
            )
        if size < low:
            return Refusal(
                400,
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed size",
            )
        return None
    name, expected = str(args[0]).lstrip("$").lower(), str(args[1])
    covered.add(name)
    actual = bucket if name == "bucket" else form.get(name)
    failed = _denied(f"Policy Condition failed: {json.dumps([operator, args[0], expected])}")
    if actual is None:
        return failed
    if str(operator).lower() == "eq":
        return None if actual == expected else failed
    if str(operator).lower() == "starts-with":
        values = actual.split(",") if name == "content-type" else [actual]
        return None if all(v.strip().startswith(expected) for v in values) else failed
    return failed


def install(secrets: Mapping[str, str]) -> None:
    """Check every POST upload of the emulator this process runs (idempotent)."""
    from moto.s3.responses import S3Response

    if getattr(S3Response, "_post_policy_checked", False):
        return
    replaying.install()
    original_post = S3Response._bucket_response_post

    def checked_post(self: Any, request: Any, bucket_name: str) -> Any:
        self.path = self._get_path(request)  # as moto sets it, so that DeleteObjects is known
        if not replaying.now() and not self.is_delete_keys():
            fields = {k: v for k, v in self.form_data.items() if k != "file"}
            body = (
                self.raw_body if isinstance(self.raw_body, bytes) else str(self.raw_body).encode()
            )
            now = dt.datetime.now(dt.UTC)
            refusal = check_post(bucket_name, fields, len(body), now, secrets.get)
            if refusal is not None:
                return refusal.status, {"Content-Type": "application/xml"}, refusal.xml()
        return original_post(self, request, bucket_name)

    S3Response._bucket_response_post = checked_post  # type: ignore[method-assign]
    S3Response._post_policy_checked = True  # type: ignore[attr-defined]
