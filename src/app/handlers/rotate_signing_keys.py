"""Lambda entry: Secrets Manager rotates a signing key ring, one step per invocation."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger

from app.adapters.secrets_rotation import SecretsManagerRotation

logger = Logger()
_rotation = SecretsManagerRotation.build(
    os.environ.get("AWS_REGION", "us-east-1"), os.environ.get("AWS_ENDPOINT_URL") or None
)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, str]:  # noqa: ARG001 - Lambda's
    """{SecretId, ClientRequestToken, Step} -> the step done (an error makes SM retry)."""
    done = _rotation.step(event["SecretId"], event["ClientRequestToken"], event["Step"])
    logger.info("rotation", extra={"step": event["Step"], "outcome": done})
    return {"step": event["Step"], "outcome": done}
