"""The local stack: emulator + provisioning from template.yaml + the same app under uvicorn."""

from __future__ import annotations

import importlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import boto3

from app.devstack.cognito.identity_pools import (
    ADMIN_USER,
    IdentityServiceConfig,
    LocalIdentityService,
)
from app.devstack.emulators.process import LOCAL_CREDENTIALS, Emulator
from app.devstack.event_sources.dynamodb_streams import StreamPump, StreamSubscription
from app.devstack.event_sources.s3_notifications import S3EventPump, S3Subscription
from app.devstack.ports import free_ports
from app.devstack.provisioning.intrinsics import load_template
from app.devstack.provisioning.provision import Provisioned, Provisioner

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TEMPLATE = REPO_ROOT / "template.yaml"
USER_FILES_BUCKET = "UserFilesBucket"  # lives in the IAM-enforcing emulator
IDENTITY_POOL = "IdentityPool"
RANDOM_SEED = 20261124  # makes the emulator's generated ids repeat when its recording is replayed


@dataclass(frozen=True)
class StackConfig:
    """Where the local stack keeps its state and which ports it uses."""

    state_dir: Path
    api_port: int = 3000
    emulator_port: int = 4566
    user_files_port: int = 4567
    identity_port: int = 4568
    site_port: int = 8080
    credentials_ttl_seconds: int = 3600
    stage: str = "local"
    region: str = "us-east-1"
    https: bool = False
    persist: bool = True
    template: Path = DEFAULT_TEMPLATE

    @classmethod
    def ephemeral(cls, state_dir: Path, stage: str) -> StackConfig:
        """A throwaway stack on free loopback ports, nothing recorded (tests, benchmarks)."""
        api, emulator, user_files, identity, site = free_ports(5)
        return cls(
            state_dir=state_dir,
            api_port=api,
            emulator_port=emulator,
            user_files_port=user_files,
            identity_port=identity,
            site_port=site,
            stage=stage,
            persist=False,
        )

    @property
    def recording(self) -> Path:
        """The emulator's request log, replayed on start to restore state."""
        return self.state_dir / "emulator-recording.jsonl"

    @property
    def outputs_file(self) -> Path:
        """The stack's Outputs as JSON (same keys as the template's, plus AwsEndpointUrl)."""
        return self.state_dir / "outputs.json"

    @property
    def identity_url(self) -> str:
        """Endpoint of the local Cognito Identity service."""
        return f"http://127.0.0.1:{self.identity_port}"

    @property
    def site_url(self) -> str:
        """The local site: pages from the site bucket, the API under /api/ (as CloudFront)."""
        return f"{'https' if self.https else 'http'}://127.0.0.1:{self.site_port}/"

    @property
    def api_url(self) -> str:
        """Base URL of the local API, ending with /."""
        return f"{'https' if self.https else 'http'}://127.0.0.1:{self.api_port}/"


@dataclass(frozen=True)
class RunningStack:
    """Started emulators with the template's resources, the app's environment, local services."""

    emulator: Emulator
    user_files_emulator: Emulator
    provisioned: Provisioned
    outputs: dict[str, str]
    api_environment: dict[str, str]
    identity: LocalIdentityService

    def stop(self) -> None:
        """Stop both emulators."""
        self.user_files_emulator.stop()
        self.emulator.stop()


def aws_environment(endpoint_url: str, region: str) -> dict[str, str]:
    """Variables that point every AWS SDK at the emulator with fake credentials only."""
    return {
        **LOCAL_CREDENTIALS,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


def start_stack(config: StackConfig, progress: Callable[[str], None] = print) -> RunningStack:
    """Start both emulators, restore state, create the template's resources, build the services."""
    config.state_dir.mkdir(parents=True, exist_ok=True)
    recording = config.recording if config.persist else None
    replay = recording is not None and recording.exists() and recording.stat().st_size > 0
    emulator = Emulator(
        config.emulator_port,
        recording=recording,
        log=config.state_dir / "emulator.log",
        server_module="app.devstack.emulators.recorded",
    )
    user_files = Emulator(
        config.user_files_port,
        log=config.state_dir / "user-files-emulator.log",
        server_module="app.devstack.emulators.enforcing",
    )
    started = time.monotonic()
    progress(f"starting the AWS emulator on {emulator.url}")
    emulator.start()
    try:
        progress(f"starting the IAM-enforcing emulator for user files on {user_files.url}")
        user_files.start()
        if replay:
            progress(f"restoring local data ({_count_lines(config.recording)} recorded requests)")
            emulator.post("/moto-api/recorder/replay-recording")
        else:
            emulator.post(f"/moto-api/seed?a={RANDOM_SEED}")
        admin = _create_admin(user_files.url, config.region)
        progress(f"creating resources from {config.template.name}")
        provisioned = Provisioner(
            load_template(config.template),
            emulator.url,
            config.region,
            stack_name=f"serverless-reference-{config.stage}",
            placement={USER_FILES_BUCKET: user_files.url},
        ).provision({"Stage": config.stage}, progress=lambda m: progress("  " + m))
        # From here on the user-files emulator checks every request against IAM.
        user_files.post("/moto-api/reset-auth", b"0")
        jwks_url = f"{emulator.url}/{provisioned.outputs['UserPoolId']}/.well-known/jwks.json"
        identity = LocalIdentityService(
            provisioned.identity_pools[IDENTITY_POOL],
            IdentityServiceConfig(
                region=config.region,
                jwks_url=jwks_url,
                enforcing_endpoint=user_files.url,
                admin_credentials=admin,
                credentials_ttl_seconds=config.credentials_ttl_seconds,
            ),
        )
        outputs = {
            **provisioned.outputs,
            "ApiUrl": config.api_url,
            "AwsEndpointUrl": emulator.url,
            "CognitoIdentityEndpoint": config.identity_url,
            "UserFilesS3Endpoint": user_files.url,
            "SiteUrl": config.site_url,
        }
        api_environment = {
            **monolith_environment(provisioned.environments),
            **aws_environment(emulator.url, config.region),
            # No DAX locally: the same read path goes through a cache with DAX's semantics.
            "LOCAL_READ_CACHE": "1",
            # Links in emails point at the local site origin (CloudFront's part locally).
            "UNSUBSCRIBE_URL": f"{config.site_url}api/subscriptions/unsubscribe",
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY": config.identity_url,
            # Locally the app verifies ID tokens itself against the emulator's JWKS (loopback only).
            "AUTH_MODE": "jwt",
            "JWKS_URL": jwks_url,
            # The renderer reads photos through the photos service's API: here, the local API.
            "PHOTOS_API_URL": config.api_url,
        }
        progress(f"resources ready in {time.monotonic() - started:.1f} s")
        return RunningStack(emulator, user_files, provisioned, outputs, api_environment, identity)
    except BaseException:
        user_files.stop()
        emulator.stop()
        raise


def monolith_environment(environments: dict[str, dict[str, str]]) -> dict[str, str]:
    """One environment for the local app, which serves every function's routes."""
    merged: dict[str, str] = {}
    for function, environment in environments.items():
        for name, value in environment.items():
            if name == "SERVICES":
                continue  # each function names its own service; the monolith serves all
            if name in merged and merged[name] != value:
                raise ValueError(f"{function} sets {name} differently from another function")
            merged.setdefault(name, value)
    merged.pop("DAX_ENDPOINT", None)  # no DAX locally (EnableDax defaults to false anyway)
    return merged


def _create_admin(endpoint_url: str, region: str) -> tuple[str, str]:
    """An all-powerful IAM user in the enforcing emulator, made before enforcement starts."""
    iam = boto3.client(
        "iam",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    iam.create_user(UserName=ADMIN_USER)
    iam.put_user_policy(
        UserName=ADMIN_USER,
        PolicyName="everything",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
    )
    key = iam.create_access_key(UserName=ADMIN_USER)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def write_outputs(config: StackConfig, outputs: dict[str, str]) -> None:
    """Publish the outputs where clients (and newcomer-check) read them."""
    tmp = config.outputs_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(outputs, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(config.outputs_file)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def s3_pumps(stack: RunningStack) -> list[S3EventPump]:
    """One pump per S3 event source; import handlers only once the environment is set."""
    sqs = boto3.client(
        "sqs",
        endpoint_url=stack.emulator.url,
        region_name=stack.outputs["Region"],
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    pumps = []
    for source in stack.provisioned.s3_sources:
        module_name, _, function = source.handler.rpartition(".")
        handler = getattr(importlib.import_module(module_name), function)
        pumps.append(S3EventPump(S3Subscription(source.function, source.queue_url, handler), sqs))
    return pumps


def stream_pumps(stack: RunningStack) -> list[StreamPump]:
    """One pump per DynamoDB event source in the template, calling the function's own handler.

    Import handlers only after the process environment holds the functions' variables.
    """
    session = boto3.session.Session(
        region_name=stack.outputs["Region"],
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    streams = session.client("dynamodbstreams", endpoint_url=stack.emulator.url)
    sqs = session.client("sqs", endpoint_url=stack.emulator.url)
    pumps = []
    for source in stack.provisioned.stream_sources:
        module_name, _, function = source.handler.rpartition(".")
        handler = getattr(importlib.import_module(f"{module_name}"), function)
        props = source.properties
        on_failure = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        subscription = StreamSubscription(
            function_name=source.function,
            stream_arn=props["Stream"],
            handler=handler,
            batch_size=int(props.get("BatchSize", 100)),
            starting_position=props.get("StartingPosition", "LATEST"),
            filters=[
                json.loads(f["Pattern"]) for f in props.get("FilterCriteria", {}).get("Filters", [])
            ],
            report_batch_item_failures="ReportBatchItemFailures"
            in props.get("FunctionResponseTypes", []),
            maximum_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
            bisect_on_error=bool(props.get("BisectBatchOnFunctionError", False)),
            on_failure_queue_url=stack.provisioned.queue_urls.get(on_failure or ""),
        )
        pump = StreamPump(subscription, streams, sqs)
        pump.attach()
        pumps.append(pump)
    return pumps
