"""Settings fail fast on what would be insecure or unusable."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.settings import Settings

BASE = {"TODOS_TABLE": "todos", "CURSOR_SECRET": "x" * 40}


def test_there_is_no_in_app_token_mode() -> None:
    """One auth path, the AWS one: the app trusts API Gateway's authorizer claims only."""
    settings = Settings.model_validate({**BASE, "AUTH_MODE": "jwt", "JWKS_URL": "http://x/j"})
    assert not hasattr(settings, "auth_mode")
    assert not hasattr(settings, "jwks_url")


def test_short_cursor_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="CURSOR_SECRET"):
        Settings.model_validate({**BASE, "CURSOR_SECRET": "short"})
