"""Settings fail fast on what would be insecure or unusable."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.settings import Settings

BASE = {"TODOS_TABLE": "todos", "CURSOR_KEYS": "todos-cursor-keys"}


def test_there_is_no_in_app_token_mode() -> None:
    """One auth path, the AWS one: the app trusts API Gateway's authorizer claims only."""
    settings = Settings.model_validate({**BASE, "AUTH_MODE": "jwt", "JWKS_URL": "http://x/j"})
    assert not hasattr(settings, "auth_mode")
    assert not hasattr(settings, "jwks_url")


def test_no_key_is_held_in_the_environment() -> None:
    """A function names its key ring's secret; the keys are read from Secrets Manager."""
    settings = Settings.model_validate({**BASE, "CURSOR_SECRET": "x" * 40})
    assert not hasattr(settings, "cursor_secret")
    with pytest.raises(ValidationError, match="CURSOR_KEYS"):
        Settings.model_validate({"SERVICES": "todos", "TODOS_TABLE": "todos"})
    with pytest.raises(ValidationError, match="LINK_KEYS"):
        Settings.model_validate({"SERVICES": "subscriptions", "SUBSCRIBERS_TABLE": "subscribers"})
