"""Test-wide setup: fake AWS credentials only, and one emulator per session (started here)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from app.devstack.cognito.users import sign_in
from app.devstack.emulators.process import LOCAL_CREDENTIALS
from app.devstack.provisioning.provision import Provisioned
from app.devstack.serving import serving_in_thread
from app.devstack.stack import RunningStack, StackConfig, start_stack
from app.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
EVENTS = REPO_ROOT / "events"
TEST_PASSWORD = "Test-Passw0rd-123"

# A developer's real AWS credentials or profile can never be used by a test (chalice's pattern).
for _name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.update(
    {
        **LOCAL_CREDENTIALS,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "POWERTOOLS_SERVICE_NAME": "tests",
    }
)


@dataclass(frozen=True)
class LocalAws:
    """The session's local stack: both emulators with template.yaml's resources, and services."""

    stack: RunningStack
    identity_url: str

    @property
    def endpoint(self) -> str:
        """The main emulator's base URL."""
        return self.stack.emulator.url

    @property
    def outputs(self) -> dict[str, str]:
        """The stack's outputs, as `make run` publishes them."""
        return self.stack.outputs

    @property
    def provisioned(self) -> Provisioned:
        """What the provisioner created."""
        return self.stack.provisioned

    def api_environment(self, **overrides: str) -> dict[str, str]:
        """TodosFunction's environment from the template, pointed at the local stack."""
        return {**self.stack.api_environment, **overrides}

    def jwt_settings(self) -> Settings:
        """Settings of the local stack: the app verifies ID tokens against the emulator's JWKS."""
        return Settings.model_validate(self.api_environment())

    def cognito(self) -> Any:
        """A boto3 Cognito client on the emulator."""
        return boto3.client("cognito-idp", endpoint_url=self.endpoint, region_name="us-east-1")


@pytest.fixture(scope="session")
def local_aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAws]:
    """Start the local stack (as `make run` does, without persistence) on free loopback ports."""
    config = StackConfig.ephemeral(tmp_path_factory.mktemp("devstack"), stage="test")
    stack = start_stack(config, progress=lambda _m: None)
    try:
        with serving_in_thread(stack.identity.app(), config.identity_port) as identity_url:
            yield LocalAws(stack, identity_url)
    finally:
        stack.stop()


@dataclass(frozen=True)
class SignedIn:
    """A user of the emulator's pool with fresh tokens."""

    email: str
    sub: str
    id_token: str
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        """Authorization header with the ID token."""
        return {"Authorization": f"Bearer {self.id_token}"}


@pytest.fixture(scope="session")
def sign_up(local_aws: LocalAws) -> Callable[..., SignedIn]:
    """Make a new confirmed user and sign them in (USER_PASSWORD_AUTH, local client only)."""
    cognito = local_aws.cognito()
    outputs = local_aws.outputs

    def make(*, author: bool = False) -> SignedIn:
        email = f"user-{secrets.token_hex(4)}@example.com"
        tokens = sign_in(outputs, email, TEST_PASSWORD, ("authors",) if author else ())
        user = cognito.get_user(AccessToken=tokens["AccessToken"])
        sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
        return SignedIn(email, sub, tokens["IdToken"], tokens["AccessToken"])

    return make
