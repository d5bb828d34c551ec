"""Serverless resources: functions and their event sources, the API, the distribution.

The emulator cannot run functions, so none is created there: each becomes a FunctionSpec that the
local Lambda runtime (devstack.functions) runs. The API and the distribution get ids of the AWS
shape, and their AWS endpoints are mapped to the local gateway and site (Provisioned.localize).
"""

from __future__ import annotations

import hashlib
from typing import Any

from app.devstack.provisioning.context import Creator, ProvisioningContext
from app.devstack.provisioning.data import DataResources
from app.devstack.provisioning.model import (
    ACCOUNT_ID,
    AsyncInvokeConfig,
    FunctionSpec,
    Provisioned,
    S3Source,
    SnsSource,
    StreamSource,
)

# SAM's defaults when neither the function nor Globals say (AWS::Serverless::Function docs).
DEFAULT_TIMEOUT_SECONDS = 3
DEFAULT_MEMORY_MB = 128
API_ENDPOINT = "AWS::Serverless::Api"
DISTRIBUTION_ENDPOINT = "AWS::CloudFront::Distribution"


class ServerlessResources:
    """Ids for functions, APIs and distributions; function specs and event sources."""

    def __init__(
        self, context: ProvisioningContext, data: DataResources, local_urls: dict[str, str]
    ) -> None:
        """`local_urls`: where the local stack serves each endpoint type (no trailing slash)."""
        self._ctx = context
        self._data = data
        self._local_urls = local_urls
        # Each bucket's queue configurations so far: a bucket has one notification configuration,
        # which SAM fills with every S3 event of every function on that bucket.
        self._notifications: dict[str, list[dict[str, Any]]] = {}

    def creators(self) -> dict[str, Creator]:
        """Resource type -> creator."""
        return {
            "AWS::CloudFront::Distribution": self._distribution,
            "AWS::Serverless::Api": self._api,
            "AWS::Serverless::Function": self._function,
            "AWS::SecretsManager::RotationSchedule": self._rotation,
        }

    def _short_id(self, logical_id: str, length: int) -> str:
        digest = hashlib.sha256(f"{self._ctx.stack_name}/{logical_id}".encode()).hexdigest()
        return digest[:length]

    def _distribution(self, logical_id: str, _props: dict[str, Any], result: Provisioned) -> None:
        # No CDN locally: an empty id means "nothing to invalidate"; the local site origin
        # (devstack.edge) plays the distribution's part at the URL its domain maps to.
        domain = f"d{self._short_id(logical_id, 13)}.cloudfront.net"
        result.refs[logical_id] = ""
        result.attributes[(logical_id, "DomainName")] = domain
        if DISTRIBUTION_ENDPOINT in self._local_urls:
            result.local_endpoints[f"https://{domain}"] = self._local_urls[DISTRIBUTION_ENDPOINT]

    def _api(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        # The local API Gateway (devstack.gateway) serves it at the URL its execute-api domain
        # maps to, with the stage as the first path segment, as execute-api URLs have.
        api_id = f"l{self._short_id(logical_id, 9)}"
        stage = str(self._ctx.resolve(props.get("StageName", "Prod"), result))
        result.refs[logical_id] = api_id
        # What SAM generates beside the API and templates reference as `Api.Stage` etc.
        result.refs[f"{logical_id}.Stage"] = stage
        result.refs[f"{logical_id}.Deployment"] = f"{api_id}-deployment"
        result.attributes[(logical_id, "RootResourceId")] = f"{api_id}-root"
        if API_ENDPOINT in self._local_urls:
            remote = f"https://{api_id}.execute-api.{self._ctx.region}.amazonaws.com"
            result.local_endpoints[remote] = self._local_urls[API_ENDPOINT]

    def _function(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        name = str(self._ctx.resolve(props.get("FunctionName", logical_id), result))
        result.refs[logical_id] = name
        arn = f"arn:aws:lambda:{self._ctx.region}:{ACCOUNT_ID}:function:{name}"
        result.attributes[(logical_id, "Arn")] = arn
        # What SAM generates for AutoPublishAlias and templates reference as `Fn.Version` and
        # `Fn.Alias`. Locally there are no versions: each function runs its current code.
        result.refs[f"{logical_id}.Version"] = f"{arn}:$LATEST"
        result.refs[f"{logical_id}.Alias"] = f"{arn}:live"

    def _rotation(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        # No scheduler locally: `make rotate-keys` plays Secrets Manager's side of a rotation
        # (devstack.secrets), invoking the function the schedule names.
        secret = props["SecretId"]["Ref"] if isinstance(props["SecretId"], dict) else ""
        function = props["RotationLambdaARN"]["Fn::GetAtt"][0]
        result.rotations[secret] = function
        result.refs[logical_id] = f"{result.refs.get(secret, secret)}|rotation"

    def function_spec(
        self, logical_id: str, props: dict[str, Any], globals_: dict[str, Any], result: Provisioned
    ) -> FunctionSpec:
        """The function as Lambda would run it: Globals merged in, intrinsics resolved."""
        variables = {
            **globals_.get("Environment", {}).get("Variables", {}),
            **props.get("Environment", {}).get("Variables", {}),
        }
        merged = {**globals_, **props}

        def setting(key: str, default: Any) -> Any:
            return self._ctx.resolve(merged.get(key, default), result)

        logging = props.get("LoggingConfig") or {}
        reserved = merged.get("ReservedConcurrentExecutions")
        return FunctionSpec(
            logical_id=logical_id,
            name=result.refs[logical_id],
            handler=str(setting("Handler", "")),
            code_uri=None if "InlineCode" in props else str(setting("CodeUri", ".")),
            runtime=str(setting("Runtime", "")),
            timeout_seconds=int(setting("Timeout", DEFAULT_TIMEOUT_SECONDS)),
            memory_mb=int(setting("MemorySize", DEFAULT_MEMORY_MB)),
            environment={
                key: result.localize(str(self._ctx.resolve(value, result)))
                for key, value in variables.items()
            },
            api_events={
                event_name: self._ctx.resolve(event.get("Properties", {}), result)
                for event_name, event in props.get("Events", {}).items()
                if event["Type"] == "Api"
            },
            reserved_concurrency=None
            if reserved is None
            else int(self._ctx.resolve(reserved, result)),
            log_group=(
                str(self._ctx.resolve(logging["LogGroup"], result))
                if "LogGroup" in logging
                else None
            ),
            policies=[]  # an inline-code function (a custom resource) is not run locally
            if "InlineCode" in props
            else [
                self._ctx.resolve(policy, result)
                for policy in props.get("Policies", [])
                if isinstance(policy, dict) and "Statement" in policy
            ],
            async_invoke=self.async_invoke_config(props.get("EventInvokeConfig", {}), result),
        )

    def async_invoke_config(self, props: dict[str, Any], result: Provisioned) -> AsyncInvokeConfig:
        """A function's `EventInvokeConfig` (or an AWS::Lambda::EventInvokeConfig's properties)."""
        props = self._ctx.resolve(props, result)
        on_failure = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        return AsyncInvokeConfig(
            maximum_retry_attempts=int(props.get("MaximumRetryAttempts", 2)),
            on_failure=str(on_failure) if on_failure else None,
        )

    def event_sources(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        """Record the function's DynamoDB, S3 and SNS event sources (S3 and SNS ones get a local
        queue)."""
        for event_name, event in props.get("Events", {}).items():
            if event["Type"] == "DynamoDB":
                resolved = self._ctx.resolve(event["Properties"], result)
                result.stream_sources.append(StreamSource(logical_id, event_name, resolved))
            elif event["Type"] == "S3":
                result.s3_sources.append(
                    self._s3_notification(logical_id, event_name, event, result)
                )
            elif event["Type"] == "SNS":
                result.sns_sources.append(
                    self._sns_subscription(logical_id, event_name, event, result)
                )

    def _sns_subscription(
        self, function: str, event_name: str, event: dict[str, Any], result: Provisioned
    ) -> SnsSource:
        """moto runs no function: the topic delivers to a queue, which the local pump reads."""
        topic = self._ctx.resolve(event["Properties"]["Topic"], result)
        queue = f"{self._ctx.stack_name}-{function}-{event_name}-sns"
        self._data.queue(queue, {"QueueName": queue}, result)
        arn = self._ctx.client("sns").subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=result.attributes[(queue, "Arn")]
        )["SubscriptionArn"]
        return SnsSource(function, event_name, result.refs[queue], arn)

    def _s3_notification(
        self, function: str, event_name: str, event: dict[str, Any], result: Provisioned
    ) -> S3Source:
        """moto runs no function: the bucket notifies a queue, which the local pump reads.

        The queue is made in the emulator that holds the bucket (moto notifies only its own
        queues). SAM requires the event's bucket to be a `Ref` to a bucket of the same template
        (AWS::Serverless::Function S3 event source: "Bucket ... must exist in the same template").
        """
        bucket = event["Properties"]["Bucket"]["Ref"]
        props = self._ctx.resolve(event["Properties"], result)
        queue = f"{self._ctx.stack_name}-{function}-{event_name}"  # one queue per event source
        self._ctx.place_with(queue, bucket)
        self._data.queue(queue, {"QueueName": queue}, result)
        events = props["Events"] if isinstance(props["Events"], list) else [props["Events"]]
        rules = props.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        configuration: Any = {"QueueArn": result.attributes[(queue, "Arn")], "Events": events}
        if rules:
            configuration["Filter"] = {"Key": {"FilterRules": rules}}
        configurations = self._notifications.setdefault(bucket, [])
        configurations.append(configuration)
        self._ctx.client("s3", bucket).put_bucket_notification_configuration(
            Bucket=props["Bucket"],
            NotificationConfiguration={"QueueConfigurations": configurations},
        )
        return S3Source(
            function, event_name, result.refs[queue], bucket, self._ctx.endpoint_of(bucket)
        )
