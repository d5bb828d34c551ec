"""Test-wide setup: fake AWS credentials only, and one local stack per session (started here)."""

from __future__ import annotations

import importlib
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest

from app.devstack.cognito.users import sign_in
from app.devstack.config import StackConfig
from app.devstack.console import Console
from app.devstack.emulators.process import LOCAL_CREDENTIALS
from app.devstack.provisioning.model import Provisioned
from app.devstack.serving import serving_in_thread
from app.devstack.stack import LocalStack
from app.settings import (
    get_meter_settings,
    get_photo_settings,
    get_settings,
    get_site_settings,
    get_subscriber_mail_settings,
    get_suppression_settings,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
EVENTS = REPO_ROOT / "events"
TEST_PASSWORD = "Test-Passw0rd-123"
# Each handler module reads its settings once, through one of these cached readers.
SETTINGS = (
    get_settings,
    get_site_settings,
    get_subscriber_mail_settings,
    get_suppression_settings,
    get_photo_settings,
    get_meter_settings,
)
API_FUNCTIONS = ("TodosFunction", "StorageFunction", "PostsFunction", "SubscriptionsFunction")
# The session stack's storage quota: the template's smallest (StorageQuotaBytes' MinValue), so
# tests go over it with small files.
TEST_QUOTA_BYTES = 1024 * 1024

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
    """The session's local stack as `make run` builds it, served on free loopback ports."""

    stack: LocalStack
    api_url: str  # the gateway's stage URL, ending with /
    site_url: str  # the local distribution, ending with /
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

    def environment(self, function: str, **overrides: str) -> dict[str, str]:
        """A function's environment as its workers get it (template + Lambda + local)."""
        return {**self.stack.functions.pools[function].environment, **overrides}

    def monolith_environment(self, **overrides: str) -> dict[str, str]:
        """Every API function's environment at once, serving all services (in-process tests)."""
        merged: dict[str, str] = {}
        for function in (*API_FUNCTIONS, "PhotosFunction"):
            merged.update(self.environment(function))
        merged.pop("SERVICES")
        return {**merged, **overrides}

    def import_handler(self, module: str, environment: dict[str, str]) -> ModuleType:
        """Import (afresh) a handler module in this process under `environment`, as a worker
        imports it (its top level reads the environment once), then restore the process's."""
        saved = dict(os.environ)
        os.environ.update(environment)
        try:
            for cached in SETTINGS:
                cached.cache_clear()
            return importlib.reload(importlib.import_module(module))
        finally:
            os.environ.clear()
            os.environ.update(saved)
            for cached in SETTINGS:
                cached.cache_clear()

    def invocations(self) -> dict[str, int]:
        """Invocations so far, by function."""
        return self.stack.functions.invocations()

    def cognito(self) -> Any:
        """A boto3 Cognito client on the emulator."""
        return boto3.client("cognito-idp", endpoint_url=self.endpoint, region_name="us-east-1")


@pytest.fixture(scope="session")
def local_aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAws]:
    """Start the local stack (as `make run` does, without persistence) on free loopback ports.

    Functions run in their own worker processes (from the `sam build` artifact when it is
    current); the event sources are drained by the tests that need them, not polled.
    """
    config = StackConfig.ephemeral(
        tmp_path_factory.mktemp("devstack"),
        stage="test",
        parameters={"StorageQuotaBytes": str(TEST_QUOTA_BYTES)},
    )
    stack = LocalStack(config, Console(quiet=True)).start()
    try:
        with ExitStack() as servers:
            gateway = servers.enter_context(serving_in_thread(stack.gateway, config.api_port))
            site = servers.enter_context(serving_in_thread(stack.site, config.site_port))
            identity = servers.enter_context(
                serving_in_thread(stack.identity.app(), config.identity_port)
            )
            servers.enter_context(serving_in_thread(stack.dax, config.dax_port))
            yield LocalAws(stack, f"{gateway}/{config.stage}/", f"{site}/", identity)
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

    def make(*, author: bool = False, editor: bool = False) -> SignedIn:
        email = f"user-{secrets.token_hex(4)}@example.com"
        groups = (*(("authors",) if author else ()), *(("editors",) if editor else ()))
        tokens = sign_in(outputs, email, TEST_PASSWORD, groups)
        user = cognito.get_user(AccessToken=tokens["AccessToken"])
        sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
        return SignedIn(email, sub, tokens["IdToken"], tokens["AccessToken"])

    return make
