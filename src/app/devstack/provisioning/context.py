"""What every resource creator shares: the emulator clients, names, and the template's resolver."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3

from app.devstack.emulators.process import LOCAL_CREDENTIALS
from app.devstack.provisioning.intrinsics import Resolver
from app.devstack.provisioning.model import Provisioned

Creator = Callable[[str, dict[str, Any], Provisioned], None]


class ProvisioningContext:
    """Clients on the emulator (fake keys only), the stack's name and region, and placement."""

    def __init__(
        self,
        endpoint_url: str,
        region: str,
        stack_name: str,
        resolver: Callable[[Provisioned], Resolver],
        placement: dict[str, str] | None = None,
    ) -> None:
        """`placement` sends some resources (by logical id) to another emulator endpoint."""
        self.endpoint_url = endpoint_url
        self.region = region
        self.stack_name = stack_name
        self.placement = dict(placement or {})
        self._resolver = resolver
        # Only ever the emulator: fake keys, never a developer's real credentials.
        self.session: Any = boto3.session.Session(
            region_name=region,
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        self._clients: dict[tuple[str, str], Any] = {}

    def endpoint_of(self, logical_id: str) -> str:
        """The emulator that holds `logical_id`."""
        return self.placement.get(logical_id, self.endpoint_url)

    def place_with(self, logical_id: str, beside: str) -> None:
        """Make `logical_id` in the same emulator as `beside`."""
        if beside in self.placement:
            self.placement[logical_id] = self.placement[beside]

    def client(self, service: str, logical_id: str = "") -> Any:
        """A cached client of `service`, on the emulator that holds `logical_id`."""
        endpoint = self.endpoint_of(logical_id)
        key = (service, endpoint)
        if key not in self._clients:
            self._clients[key] = self.session.client(service, endpoint_url=endpoint)
        return self._clients[key]

    def resolve(self, value: Any, result: Provisioned) -> Any:
        """Evaluate intrinsics in `value` with what exists so far."""
        return self._resolver(result).resolve(value)

    def default_name(self, logical_id: str) -> str:
        """The name CloudFormation would generate for an unnamed resource (simplified)."""
        return f"{self.stack_name}-{logical_id}"
