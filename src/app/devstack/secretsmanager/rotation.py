"""Secrets Manager's side of a rotation, played locally (no scheduler, and moto runs no function).

On a schedule (or RotateSecret) Secrets Manager invokes the secret's rotation function four
times with one new version token: createSecret, setSecret, testSecret, finishSecret (Secrets
Manager User Guide, "How rotation works"). Here `make rotate-keys` (or a test) does the same
through the function's local worker; every warm function picks the new ring up within its
cache age, and at once for a token signed with a key it has not seen.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from app.devstack.provisioning.model import Provisioned

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


def rotate(secret_id: str, invoke: Callable[[dict[str, Any]], Any]) -> str:
    """Run the four steps with a new token through `invoke` (the rotation function)."""
    token = str(uuid.uuid4())
    for step in STEPS:
        invoke({"SecretId": secret_id, "ClientRequestToken": token, "Step": step})
    return token


def rotate_all(
    provisioned: Provisioned, handler: Callable[[str], Callable[[dict[str, Any]], Any]]
) -> dict[str, str]:
    """Rotate every secret the template schedules, each through its rotation function."""
    return {
        secret: rotate(provisioned.refs[secret], handler(function))
        for secret, function in provisioned.rotations.items()
    }


def rotation_targets(provisioned: Provisioned) -> dict[str, str]:
    """Secret ARN -> the function that rotates it (what `make rotate-keys` reads)."""
    return {
        provisioned.refs[secret]: provisioned.functions[function].name
        for secret, function in provisioned.rotations.items()
    }
