"""The browser pages (`web/`, built by `make web`) in the local site bucket, with their settings.

The same upload as `make deploy-site` does on AWS; the settings add what only the local stack has:
the emulators' endpoints, and a sign-in flow the emulator can check.
"""

from __future__ import annotations

from pathlib import Path

from app.adapters.site_s3 import S3SitePublisher
from app.site.web_config import CONFIG_KEY, web_config


def local_web_config(outputs: dict[str, str]) -> dict[str, object]:
    """The deployed settings, pointed at the local emulators."""
    return {
        **web_config(outputs),
        "endpoints": {
            "cognitoIdp": outputs["AwsEndpointUrl"],
            "cognitoIdentity": outputs["CognitoIdentityEndpoint"],
            "s3": outputs["UserFilesS3Endpoint"],
        },
        # moto 5.2 (cognitoidp/models.py, initiate_auth USER_SRP_AUTH and the PASSWORD_VERIFIER
        # challenge) answers SRP with a random SALT and SRP_B and only checks that a
        # PASSWORD_CLAIM_SIGNATURE is present: any password would pass. USER_PASSWORD_AUTH is
        # checked, and the local app client allows it (docs/local-stack.md: "What the emulator does
        # differently").
        "authFlow": "USER_PASSWORD_AUTH",
        # moto's confirm_sign_up ignores the code and the emulator sends no e-mail.
        "confirmationHint": "Locally no e-mail is sent: any code (123456) confirms the account.",
    }


def browser_endpoints(outputs: dict[str, str]) -> list[str]:
    """Every local endpoint the pages reach besides the site: config.json's, and the emulator
    the photos function presigns uploads for (the authoring page POSTs photos there)."""
    keys = ("AwsEndpointUrl", "CognitoIdentityEndpoint", "UserFilesS3Endpoint")
    return sorted({outputs[key] for key in keys})


def publish_web(publisher: S3SitePublisher, outputs: dict[str, str], build: Path) -> int:
    """Upload `config.json` and the built pages; returns how many pages' files (0: not built)."""
    publisher.put_json(CONFIG_KEY, local_web_config(outputs))
    return publisher.put_web_build(build) if build.is_dir() else 0
