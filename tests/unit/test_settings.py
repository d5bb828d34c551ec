"""Settings fail fast on what would be insecure or unusable."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.settings import Settings

BASE = {"TODOS_TABLE": "todos", "CURSOR_SECRET": "x" * 40}


def test_defaults_are_api_gateway_mode() -> None:
    settings = Settings.model_validate(BASE)
    assert settings.auth_mode == "apigateway"


def test_short_cursor_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="CURSOR_SECRET"):
        Settings.model_validate({**BASE, "CURSOR_SECRET": "short"})


def test_in_app_token_checks_need_pool_client_and_jwks() -> None:
    with pytest.raises(ValidationError, match="JWKS_URL"):
        Settings.model_validate({**BASE, "AUTH_MODE": "jwt"})


@pytest.mark.parametrize(
    "jwks",
    ["https://cognito-idp.us-east-1.amazonaws.com/p/.well-known/jwks.json", "http://10.0.0.1/j"],
)
def test_in_app_token_checks_are_local_only(jwks: str) -> None:
    # The emulator signs tokens with a key published in its package: never trust it elsewhere.
    with pytest.raises(ValidationError, match="loopback"):
        Settings.model_validate(
            {
                **BASE,
                "AUTH_MODE": "jwt",
                "USER_POOL_ID": "p",
                "USER_POOL_CLIENT_ID": "c",
                "JWKS_URL": jwks,
            }
        )


@pytest.mark.parametrize(
    "jwks", ["http://127.0.0.1:4566/p/.well-known/jwks.json", "http://localhost:1/j"]
)
def test_loopback_jwks_is_accepted(jwks: str) -> None:
    settings = Settings.model_validate(
        {
            **BASE,
            "AUTH_MODE": "jwt",
            "USER_POOL_ID": "p",
            "USER_POOL_CLIENT_ID": "c",
            "JWKS_URL": jwks,
        }
    )
    assert settings.issuer.endswith("/p")
