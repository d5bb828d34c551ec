"""A function's process environment: its template Environment plus what Lambda itself sets.

The variables Lambda defines for every function (AWS Lambda developer guide, "Defined runtime
environment variables"; SAM CLI sets the same in samcli/local/lambdafn/env_vars.py), and locally
the emulator's endpoints and fake credentials instead of a role's.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

from app.devstack.functions.worker import CodeLocation
from app.devstack.provisioning.model import FunctionSpec


def lambda_environment(
    spec: FunctionSpec, code: CodeLocation, local: dict[str, str]
) -> dict[str, str]:
    """`spec.environment`, then Lambda's reserved variables, then the local stack's `local`."""
    today = dt.datetime.now(dt.UTC).strftime("%Y/%m/%d")
    return {
        **spec.environment,
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(spec.timeout_seconds),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group or f"/aws/lambda/{spec.name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": f"{today}/[$LATEST]{uuid.uuid4().hex}",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "LAMBDA_TASK_ROOT": str(code.directory),
        "_HANDLER": spec.handler,
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        **local,
    }
