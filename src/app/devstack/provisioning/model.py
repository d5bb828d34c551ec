"""What provisioning made: physical ids, Outputs, and each function as Lambda would run it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.devstack.provisioning.intrinsics import Resolver

ACCOUNT_ID = "123456789012"  # the emulator's default account


@dataclass(frozen=True)
class IdentityPoolSpec:
    """A Cognito identity pool as the template declares it, for the local identity service."""

    identity_pool_id: str
    providers: dict[str, str]  # login provider name -> app client id
    allow_unauthenticated: bool
    authenticated_policies: list[dict[str, Any]]


@dataclass(frozen=True)
class StreamSource:
    """A function's DynamoDB event source, with every intrinsic resolved."""

    function: str
    event: str  # the event's name under the function's Events
    properties: dict[str, Any]


@dataclass(frozen=True)
class S3Source:
    """A function's S3 event source, delivered locally through an SQS queue that lives in the
    same emulator as the bucket (S3 notifies only queues it can reach)."""

    function: str
    event: str
    queue_url: str
    bucket: str  # the bucket's logical id
    endpoint: str  # the emulator holding the bucket and the queue


@dataclass(frozen=True)
class AsyncInvokeConfig:
    """How Lambda retries an asynchronous invocation (S3 events are one) and where a failed one
    goes: the function's `EventInvokeConfig` or an `AWS::Lambda::EventInvokeConfig` for it.
    Without either, Lambda retries twice and drops the event (Lambda developer guide,
    "Error handling and automatic retries in Lambda", asynchronous invocation)."""

    maximum_retry_attempts: int = 2
    on_failure: str | None = None  # destination ARN (an SQS queue locally)


@dataclass(frozen=True)
class SnsSource:
    """A function's SNS event source, delivered locally through an SQS queue subscribed to it."""

    function: str
    event: str
    queue_url: str
    subscription_arn: str


@dataclass(frozen=True)
class FunctionSpec:
    """One AWS::Serverless::Function as Lambda runs it: code, handler, limits, environment."""

    logical_id: str
    name: str
    handler: str
    code_uri: str | None  # None for InlineCode (custom-resource handlers: not run locally)
    runtime: str
    timeout_seconds: int
    memory_mb: int
    environment: dict[str, str]
    api_events: dict[str, dict[str, Any]]  # event name -> its resolved Properties
    reserved_concurrency: int | None = None
    log_group: str | None = None
    # The inline policy documents of its execution role (`Policies`), intrinsics resolved.
    policies: list[dict[str, Any]] = field(default_factory=list)
    async_invoke: AsyncInvokeConfig = AsyncInvokeConfig()


@dataclass
class Provisioned:
    """Physical ids and attributes of what was created, and the template's Outputs evaluated."""

    parameters: dict[str, str]
    template: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    role_policies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    identity_pools: dict[str, IdentityPoolSpec] = field(default_factory=dict)
    queue_urls: dict[str, str] = field(default_factory=dict)  # queue ARN -> URL
    stream_sources: list[StreamSource] = field(default_factory=list)
    s3_sources: list[S3Source] = field(default_factory=list)
    ttl_attributes: dict[str, str] = field(default_factory=dict)  # table name -> TTL attribute
    sns_sources: list[SnsSource] = field(default_factory=list)
    rotations: dict[str, str] = field(default_factory=dict)  # secret logical id -> function
    skipped: list[str] = field(default_factory=list)
    # AWS endpoints of this stack (execute-api, CloudFront) -> where the local stack serves them.
    local_endpoints: dict[str, str] = field(default_factory=dict)
    resolver: Resolver | None = None

    @property
    def environments(self) -> dict[str, dict[str, str]]:
        """Each function's resolved environment, by logical id."""
        return {name: spec.environment for name, spec in self.functions.items()}

    def localize(self, value: str) -> str:
        """`value` with this stack's AWS endpoints replaced by their local stand-ins."""
        for remote, local in self.local_endpoints.items():
            if value.startswith(remote):
                return local + value[len(remote) :]
        return value

    def resolve(self, value: Any) -> Any:
        """Evaluate intrinsics in `value` against what was provisioned."""
        if self.resolver is None:
            raise RuntimeError("nothing was provisioned yet")
        return self.resolver.resolve(value)
