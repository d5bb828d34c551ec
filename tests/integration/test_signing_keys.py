"""Signing keys live in Secrets Manager, one ring per purpose, and rotate without a redeploy."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import boto3
import httpx

from app.domain.cursors import CursorCodec
from app.domain.signing import StaticKeyRing, parse_ring
from tests.conftest import LocalAws, SignedIn

RINGS = {
    "TodosCursorKeys": ("TodosFunction", "CURSOR_KEYS"),
    "PostsCursorKeys": ("PostsFunction", "CURSOR_KEYS"),
    "SubscriptionLinkKeys": ("SubscriptionsFunction", "LINK_KEYS"),
}


def secrets_client(local_aws: LocalAws) -> Any:
    return boto3.client("secretsmanager", endpoint_url=local_aws.endpoint, region_name="us-east-1")


def ring(local_aws: LocalAws, logical_id: str, stage: str = "AWSCURRENT") -> str:
    arn = local_aws.stack.provisioned.refs[logical_id]
    value: str = secrets_client(local_aws).get_secret_value(SecretId=arn, VersionStage=stage)[
        "SecretString"
    ]
    return value


def test_functions_hold_the_name_of_their_own_ring_never_a_key(local_aws: LocalAws) -> None:
    values = {logical: ring(local_aws, logical) for logical in RINGS}
    assert len({json.dumps(parse_ring(v)[0].secret.decode()) for v in values.values()}) == 3
    for logical, (function, variable) in RINGS.items():
        environment = local_aws.environment(function)
        assert environment[variable] == local_aws.stack.provisioned.refs[logical]
        keys = [k.secret.decode() for v in values.values() for k in parse_ring(v)]
        assert not [name for name, value in environment.items() if value in keys]


def test_a_rotation_reaches_the_functions_and_old_cursors_keep_working(
    client: httpx.Client, local_aws: LocalAws, sign_up: Callable[..., SignedIn]
) -> None:
    alice = sign_up()
    for title in ("one", "two", "three"):
        assert (
            client.post("/todos", json={"title": title}, headers=alice.headers).status_code == 201
        )
    page = client.get("/todos", params={"limit": 1, "fresh": "r1"}, headers=alice.headers).json()
    before = page["nextCursor"]
    old_id = parse_ring(ring(local_aws, "TodosCursorKeys"))[0].id
    assert before.startswith(f"{old_id}.")

    rotated = local_aws.stack.rotate_keys()  # Secrets Manager's four steps, through the function
    assert set(rotated) == set(RINGS)
    keys = parse_ring(ring(local_aws, "TodosCursorKeys"))
    assert keys[1].id == old_id
    grace = keys[1].retires_at - dt.datetime.now(dt.UTC)  # type: ignore[operator]
    assert dt.timedelta(hours=23) < grace <= dt.timedelta(hours=24)  # CursorKeyGraceHours
    assert parse_ring(ring(local_aws, "TodosCursorKeys", "AWSPREVIOUS"))[0].id == old_id

    # A cursor from before the rotation still pages on (the old key verifies in its grace).
    older = client.get(
        "/todos", params={"limit": 1, "cursor": before, "fresh": "r2"}, headers=alice.headers
    )
    assert older.status_code == 200, older.text
    # A cursor signed with the new key is accepted at once: the function re-reads its ring
    # when it meets a key it has not seen, without waiting for its cache to expire.
    scope = f"todos|{alice.sub}|"
    marker = CursorCodec(StaticKeyRing(keys)).decode(
        CursorCodec(StaticKeyRing([keys[1]]))
        .encode({"x": "y"}, "probe")
        .replace(keys[1].id, keys[1].id, 1),
        "probe",
    )
    assert marker == {"x": "y"}
    signed_new = CursorCodec(StaticKeyRing(keys)).encode(
        CursorCodec(StaticKeyRing([keys[1]])).decode(before, scope), scope
    )
    assert signed_new.startswith(f"{keys[0].id}.")
    newer = client.get(
        "/todos", params={"limit": 1, "cursor": signed_new, "fresh": "r3"}, headers=alice.headers
    )
    assert newer.status_code == 200, newer.text
    assert newer.json()["items"] == older.json()["items"]
    # Having re-read its ring, the function now signs with the new key.
    assert newer.json()["nextCursor"].startswith(f"{keys[0].id}.")
    forged = signed_new.replace(f"{keys[0].id}.", "deadbeef.", 1)
    refused = client.get(
        "/todos", params={"limit": 1, "cursor": forged, "fresh": "r4"}, headers=alice.headers
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_cursor")


def test_a_rotation_retried_by_secrets_manager_creates_one_version(local_aws: LocalAws) -> None:
    """Each step may be invoked again (Lambda retries): the same token makes the same ring."""
    arn = local_aws.stack.provisioned.refs["PostsCursorKeys"]
    handler = local_aws.stack.functions.handler("SigningKeyRotationFunction")
    token = "11111111-2222-3333-4444-555555555555"
    for step in ("createSecret", "createSecret", "setSecret", "testSecret", "finishSecret"):
        handler({"SecretId": arn, "ClientRequestToken": token, "Step": step})
    again = handler({"SecretId": arn, "ClientRequestToken": token, "Step": "finishSecret"})
    assert again["outcome"] == "already current"
    versions = secrets_client(local_aws).describe_secret(SecretId=arn)["VersionIdsToStages"]
    assert "AWSCURRENT" in versions[token]
    assert len(parse_ring(ring(local_aws, "PostsCursorKeys"))) >= 2
