"""The browser pages' settings (`/config.json` at the site root), from the stack's outputs.

Written by `make deploy-site` from the deployed stack and by the local stack from its own outputs,
so the pages (`web/`) hold no deployment's ids. On AWS the SDKs' default endpoints are used; the
local stack adds its emulators' endpoints.
"""

from __future__ import annotations

from collections.abc import Mapping

CONFIG_KEY = "config.json"


def web_config(outputs: Mapping[str, str]) -> dict[str, object]:
    """What every page needs to sign in and reach the API and the user's own folder."""
    return {
        "region": outputs["Region"],
        "userPoolId": outputs["UserPoolId"],
        "userPoolClientId": outputs["UserPoolClientId"],
        "identityPoolId": outputs["IdentityPoolId"],
        "userFilesBucket": outputs["UserFilesBucketName"],
        "apiBase": "/api/",  # the distribution's `/api/*` behaviour: same origin
        "authFlow": "USER_SRP_AUTH",  # the app client allows SRP and refresh only
    }
