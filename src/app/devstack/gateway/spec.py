"""An AWS::Serverless::Api as API Gateway deploys it, read from the template at start.

Routes come from every function's `Api` events that name the API (RestApiId); authorization from
the API's `Auth` (DefaultAuthorizer, Cognito authorizers) and each event's `Auth`; caching and
throttling from `MethodSettings` (ResourcePath `/*` with HttpMethod `*` is the stage default;
paths escape `/` as `~1`, as in AWS::ApiGateway::Stage MethodSetting); cache keys from each event's
`RequestParameters` marked `Caching: true`; gateway responses from `GatewayResponses`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.devstack.provisioning.model import Provisioned

# API Gateway's defaults (API Gateway quotas): account-level throttling 10,000 requests per
# second with a burst of 5,000; 29 s integration timeout; 300 s cache TTL when caching is on.
ACCOUNT_RATE_LIMIT = 10_000.0
ACCOUNT_BURST_LIMIT = 5_000
DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000
DEFAULT_CACHE_TTL_SECONDS = 300


@dataclass(frozen=True)
class Route:
    """One method on one resource, integrated with one function (Lambda proxy)."""

    resource: str  # "/todos/{todo_id}"
    method: str  # "GET", or "ANY"
    function: str  # logical id
    authorizer: str | None  # None: open to anyone (Auth.Authorizer: NONE)
    scopes: tuple[str, ...] = ()
    cache_key_parameters: tuple[str, ...] = ()  # "method.request.header.Authorization", ...
    timeout_ms: int = DEFAULT_INTEGRATION_TIMEOUT_MS


@dataclass(frozen=True)
class MethodSetting:
    """Caching and throttling of one method (or the stage default)."""

    caching: bool = False
    cache_ttl_seconds: int = DEFAULT_CACHE_TTL_SECONDS
    rate_limit: float = ACCOUNT_RATE_LIMIT
    burst_limit: int = ACCOUNT_BURST_LIMIT


@dataclass(frozen=True)
class CognitoAuthorizer:
    """A COGNITO_USER_POOLS authorizer: which pools' tokens it accepts, from which header."""

    name: str
    pool_ids: tuple[str, ...]
    region: str
    header: str = "Authorization"
    # Identity.ReauthorizeEvery: how long a token's result is cached (SAM's default: 300 s).
    result_ttl_seconds: int = 300
    # Identity.ValidationExpression: a regular expression the token's `aud` must match.
    audience_pattern: str | None = None

    @property
    def issuers(self) -> tuple[str, ...]:
        """The `iss` of each pool's tokens."""
        return tuple(f"https://cognito-idp.{self.region}.amazonaws.com/{p}" for p in self.pool_ids)


@dataclass(frozen=True)
class GatewayResponse:
    """A customized gateway response: status, headers and body templates."""

    status: int | None
    headers: dict[str, str]
    templates: dict[str, str]


@dataclass(frozen=True)
class ApiSpec:
    """Everything the local gateway needs to answer as the deployed stage would."""

    logical_id: str
    api_id: str
    stage: str
    routes: list[Route]
    cache_enabled: bool
    stage_setting: MethodSetting
    method_settings: dict[tuple[str, str], MethodSetting]
    authorizers: dict[str, CognitoAuthorizer]
    gateway_responses: dict[str, GatewayResponse]
    binary_media_types: tuple[str, ...] = ()
    # Per-key cache invalidation (`Cache-Control: max-age=0`): whether it needs authorization,
    # and what happens to callers without it (the stage's caching settings).
    invalidation_requires_authorization: bool = True
    unauthorized_invalidation: str = "SUCCEED_WITH_RESPONSE_HEADER"
    cors: dict[str, Any] = field(default_factory=dict)

    def setting(self, resource: str, method: str) -> MethodSetting:
        """The method's settings: its own override, else the stage default."""
        return self.method_settings.get((resource, method), self.stage_setting)


def _setting(raw: dict[str, Any], base: MethodSetting) -> MethodSetting:
    return MethodSetting(
        caching=str(raw.get("CachingEnabled", base.caching)).lower() == "true",
        cache_ttl_seconds=int(raw.get("CacheTtlInSeconds", base.cache_ttl_seconds)),
        rate_limit=float(raw.get("ThrottlingRateLimit", base.rate_limit)),
        burst_limit=int(raw.get("ThrottlingBurstLimit", base.burst_limit)),
    )


def _resource_path(setting_path: str) -> str:
    """A MethodSetting's ResourcePath (`/` then the path JSON-Pointer-escaped: `/~1todos`)."""
    return setting_path.removeprefix("/").replace("~1", "/").replace("~0", "~")


def _pool_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]  # arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID


def _parameters(event: dict[str, Any]) -> tuple[str, ...]:
    """Request parameters whose `Caching` is true (SAM: a list of names or of name -> options)."""
    cached = []
    for item in event.get("RequestParameters", []):
        if isinstance(item, dict):
            for name, options in item.items():
                if str((options or {}).get("Caching", False)).lower() == "true":
                    cached.append(str(name))
    return tuple(cached)


def build_api_spec(provisioned: Provisioned, api: str) -> ApiSpec:
    """The spec of the API with logical id `api`, from the template as provisioned."""
    template = provisioned.template
    resource = template["Resources"][api]
    props = provisioned.resolve(
        {**template.get("Globals", {}).get("Api", {}), **resource.get("Properties", {})}
    )
    region = provisioned.parameters["AWS::Region"]
    auth = props.get("Auth", {})
    authorizers = {}
    for name, config in auth.get("Authorizers", {}).items():
        arns = config.get("UserPoolArn")
        if arns is None:
            continue  # a Lambda authorizer: not emulated (docs/local-stack.md says so)
        arns = arns if isinstance(arns, list) else [arns]
        header = config.get("Identity", {}).get("Header", "Authorization")
        authorizers[name] = CognitoAuthorizer(
            name, tuple(_pool_id(a) for a in arns), region, header
        )
    default_authorizer = auth.get("DefaultAuthorizer")
    settings = props.get("MethodSettings", [])
    stage = MethodSetting()
    for raw in settings:
        if raw.get("ResourcePath") == "/*" and raw.get("HttpMethod") == "*":
            stage = _setting(raw, stage)
    method_settings = {
        (_resource_path(raw["ResourcePath"]), raw["HttpMethod"]): _setting(raw, stage)
        for raw in settings
        if not (raw.get("ResourcePath") == "/*" and raw.get("HttpMethod") == "*")
    }
    api_ref = provisioned.refs[api]
    routes = []
    for function in provisioned.functions.values():
        for event in function.api_events.values():
            if event.get("RestApiId", api_ref) != api_ref:
                continue
            event_auth = event.get("Auth", {})
            authorizer = event_auth.get("Authorizer", default_authorizer)
            routes.append(
                Route(
                    resource=str(event["Path"]),
                    method=str(event["Method"]).upper(),
                    function=function.logical_id,
                    authorizer=None if authorizer in (None, "NONE") else str(authorizer),
                    scopes=tuple(event_auth.get("AuthorizationScopes", ())),
                    cache_key_parameters=_parameters(event),
                    timeout_ms=int(event.get("TimeoutInMillis", DEFAULT_INTEGRATION_TIMEOUT_MS)),
                )
            )
    responses = {
        kind: GatewayResponse(
            status=int(config["StatusCode"]) if "StatusCode" in config else None,
            headers={
                name: str(value)
                for name, value in config.get("ResponseParameters", {}).get("Headers", {}).items()
            },
            templates={k: str(v) for k, v in config.get("ResponseTemplates", {}).items()},
        )
        for kind, config in props.get("GatewayResponses", {}).items()
    }
    requires, strategy = _invalidation_policy(provisioned, api_ref)
    return ApiSpec(
        logical_id=api,
        api_id=api_ref,
        stage=str(props.get("StageName", "Prod")),
        routes=routes,
        cache_enabled=str(props.get("CacheClusterEnabled", False)).lower() == "true",
        stage_setting=stage,
        method_settings=method_settings,
        authorizers=authorizers,
        gateway_responses=responses,
        binary_media_types=tuple(
            str(t).replace("~1", "/") for t in props.get("BinaryMediaTypes", ())
        ),
        invalidation_requires_authorization=requires,
        unauthorized_invalidation=strategy,
        cors=props.get("Cors") if isinstance(props.get("Cors"), dict) else {},
    )


def _invalidation_policy(provisioned: Provisioned, api_ref: str) -> tuple[bool, str]:
    """Per-key invalidation settings. CloudFormation cannot set them on a stage (MethodSetting has
    no such property), so a template sets them with a custom resource after deployment; the
    local gateway reads that resource's `RequireAuthorizationForCacheControl` and
    `UnauthorizedCacheControlHeaderStrategy` for this API. Without one, API Gateway's defaults:
    authorization required, unauthorized requests ignored with a warning header (the console's
    defaults, aws/serverless-application-model#788)."""
    for resource in provisioned.template["Resources"].values():
        props = resource.get("Properties", {})
        if "UnauthorizedCacheControlHeaderStrategy" not in props:
            continue
        resolved = provisioned.resolve(
            {k: v for k, v in props.items() if k not in {"ServiceToken", "DeploymentId"}}
        )
        if resolved.get("RestApiId") == api_ref:
            required = str(resolved.get("RequireAuthorizationForCacheControl", "true")).lower()
            return required == "true", str(resolved["UnauthorizedCacheControlHeaderStrategy"])
    return True, "SUCCEED_WITH_RESPONSE_HEADER"
