"""The local stack, composed: emulators, the template's resources, the functions, the API Gateway,
the site origin and the event sources, as `make run` runs them and the tests start them."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

from app.adapters.site_s3 import S3SitePublisher
from app.devstack.cloudwatch.emf import EmfTail
from app.devstack.cognito.identity_pools import IdentityServiceConfig, LocalIdentityService
from app.devstack.cognito.tokens import CognitoTokenVerifier
from app.devstack.config import StackConfig
from app.devstack.console import Console, seconds
from app.devstack.console.startup import functions_summary, resources_step
from app.devstack.dax.endpoint import LocalDax
from app.devstack.dynamodb.ttl import TtlReaper
from app.devstack.edge.errors import error_responses
from app.devstack.edge.headers import local_site_headers
from app.devstack.edge.origin import site_app
from app.devstack.edge.web_build import browser_endpoints, publish_web
from app.devstack.emulators.process import LOCAL_CREDENTIALS, Emulator
from app.devstack.emulators.user_files import UserFilesEmulator, forget_metadata
from app.devstack.event_sources.checkpoints import CheckpointStore
from app.devstack.event_sources.dynamodb_streams import StreamPump
from app.devstack.event_sources.mappings import event_source_mappings
from app.devstack.event_sources.polling import Pollable, PumpThread
from app.devstack.event_sources.s3_notifications import S3EventPump
from app.devstack.event_sources.sns_subscriptions import SnsEventPump, sns_event_sources
from app.devstack.functions.service import LocalLambda
from app.devstack.gateway.app import Invoke, LocalApiGateway
from app.devstack.gateway.authorizer import CognitoAuthorizers
from app.devstack.gateway.spec import ApiSpec, build_api_spec
from app.devstack.ports import free_port
from app.devstack.provisioning.intrinsics import load_template
from app.devstack.provisioning.model import FunctionSpec, Provisioned
from app.devstack.provisioning.provision import Provisioner
from app.devstack.provisioning.serverless import API_ENDPOINT, DISTRIBUTION_ENDPOINT
from app.devstack.secretsmanager.rotation import rotate_all
from app.devstack.serving import serving_in_thread
from app.site.pages import STATIC

USER_FILES_BUCKET = "UserFilesBucket"  # lives in the IAM-enforcing emulator
IDENTITY_POOL = "IdentityPool"
API = "Api"
SITE_DISTRIBUTION = "SiteDistribution"  # its custom error responses apply at the local edge
RANDOM_SEED = 20261124  # makes the emulator's generated ids repeat when its recording is replayed


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


class LocalStack:
    """Everything `make run` serves, started in order and stopped in reverse."""

    def __init__(self, config: StackConfig, console: Console | None = None) -> None:
        self.config = config
        self.console = console or Console()
        self.emulator = Emulator(
            config.emulator_port,
            recording=config.recording if config.persist else None,
            log=config.state_dir / "emulator.log",
            server_module="app.devstack.emulators.recorded",
        )
        self.user_files = UserFilesEmulator(
            config.user_files_port, config.region, config.state_dir / "user-files-emulator.log"
        )
        self.checkpoints = CheckpointStore(config.checkpoints if config.persist else None)
        self.provisioned: Provisioned
        self.outputs: dict[str, str] = {}
        self.identity: LocalIdentityService
        self.functions: LocalLambda
        self.gateway: LocalApiGateway
        self.site: Any
        self.dax: LocalDax
        self.site_assets: S3SitePublisher
        self.stream_pumps: dict[str, list[StreamPump]] = {}
        self.s3_pumps: dict[str, list[S3EventPump]] = {}
        self.poller: PumpThread | None = None
        self.metrics: EmfTail | None = None
        self.ttl: TtlReaper
        self.sns_pumps: dict[str, list[SnsEventPump]] = {}

    def start(self) -> LocalStack:
        """Start the emulators, restore data, create the resources, build functions and gateway."""
        config, progress = self.config, self.console.progress
        config.state_dir.mkdir(parents=True, exist_ok=True)
        replay = config.persist and config.recording.exists() and config.recording.stat().st_size
        started = time.monotonic()
        self.emulator.start()
        try:
            self._provision(bool(replay), started)
            self.functions = LocalLambda(
                self.provisioned.functions,
                project=config.project,
                build=config.build,
                logs=config.logs,
                local_environment=self.local_environment,
                report=self.console.invocation,
                max_environments=config.max_environments,
            )
            progress(functions_summary(self.functions, config.build))
            self.metrics = EmfTail(config.logs, self.console.metric).start()
            item_ttl, query_ttl = _dax_ttls(self.provisioned)
            self.dax = LocalDax(self.emulator.url, item_ttl=item_ttl, query_ttl=query_ttl)
            self.gateway = self._gateway()
            self.site_assets = S3SitePublisher(self.client("s3"), self.outputs["SiteBucketName"])
            self.site_assets.put_assets(STATIC)
            if not publish_web(self.site_assets, self.outputs, config.project / "web" / "dist"):
                self.console.detail("web/dist is missing: `make web` builds the pages (/app/)")
            self.site = site_app(
                self.gateway,
                config.stage,
                self.client("s3"),
                self.outputs["SiteBucketName"],
                self.outputs.get("PhotosBucketName"),
                error_responses(self.provisioned.template, SITE_DISTRIBUTION),
                local_site_headers(
                    self.provisioned, SITE_DISTRIBUTION, browser_endpoints(self.outputs)
                ),
            )
            self._event_sources()
        except BaseException:
            self.stop()
            raise
        return self

    def _provision(self, replay: bool, started: float) -> None:
        config, progress = self.config, self.console.progress
        self.user_files.start()
        progress(
            f"started the emulators in {seconds(started)}: AWS on {self.emulator.url}, "
            f"user files (IAM-enforcing) on {self.user_files.url}"
        )
        step = time.monotonic()
        if replay:
            self.emulator.post("/moto-api/recorder/replay-recording")
            lines = _count_lines(config.recording)
            progress(f"restored local data: replayed {lines} recorded requests in {seconds(step)}")
            step = time.monotonic()
        else:
            self.emulator.post(f"/moto-api/seed?a={RANDOM_SEED}")
        admin = self.user_files.create_admin()
        self.provisioned = Provisioner(
            load_template(config.template),
            self.emulator.url,
            config.region,
            stack_name=f"serverless-reference-{config.stage}",
            placement={USER_FILES_BUCKET: self.user_files.url},
            local_urls={
                API_ENDPOINT: config.gateway_url,
                DISTRIBUTION_ENDPOINT: config.site_url.rstrip("/"),
            },
        ).provision(
            # The user-files bucket's CORS allows the site's origin, here the local one.
            {"Stage": config.stage, "SiteOrigin": config.site_url.rstrip("/"), **config.parameters},
            progress=lambda _resource: None,
        )
        resources_step(self.console, self.provisioned, config.template, config.resources_file, step)
        self.user_files.grant_functions(self.provisioned, {USER_FILES_BUCKET})
        self.user_files.enforce()  # from here on it checks every request against IAM
        if replay:
            forget_metadata(self.client("dynamodb"), self.provisioned, USER_FILES_BUCKET)
        self.identity = LocalIdentityService(
            self.provisioned.identity_pools[IDENTITY_POOL],
            IdentityServiceConfig(
                region=config.region,
                jwks_url=self.jwks_url,
                enforcing_endpoint=self.user_files.url,
                admin_credentials=admin,
                credentials_ttl_seconds=config.credentials_ttl_seconds,
            ),
        )
        self.outputs = {
            **self.provisioned.outputs,
            "AwsEndpointUrl": self.emulator.url,
            "CognitoIdentityEndpoint": config.identity_url,
            "UserFilesS3Endpoint": self.user_files.url,
        }

    def jwks_url(self, pool_id: str) -> str:
        """Where the emulator publishes a user pool's signing keys."""
        return f"{self.emulator.url}/{pool_id}/.well-known/jwks.json"

    def local_environment(self, spec: FunctionSpec) -> dict[str, str]:
        """What a function gets locally beside its template environment: the emulators' endpoints
        and fake credentials, and the local read cache where it would read through DAX."""
        local = {
            **aws_environment(self.emulator.url, self.config.region),
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY": self.config.identity_url,
        }
        if spec.logical_id in self.user_files.function_keys:  # it reaches the user-files bucket
            key, secret = self.user_files.function_keys[spec.logical_id]
            del local["AWS_SESSION_TOKEN"]  # an IAM user's keys: no session
            local |= {
                "AWS_ACCESS_KEY_ID": key,
                "AWS_SECRET_ACCESS_KEY": secret,
                "AWS_ENDPOINT_URL_S3": self.user_files.url,
            }
        if "DAX_ENDPOINT" in spec.environment:  # no DAX locally: a shared cache with its semantics
            local["LOCAL_DAX_ENDPOINT"] = self.config.dax_url
        if self.config.https:
            local["SSL_CERT_FILE"] = str(self.config.state_dir / "tls" / "localhost.crt")
        return local

    def _gateway(self) -> LocalApiGateway:
        return self.gateway_for(
            build_api_spec(self.provisioned, API),
            self.functions.invoke,
            self.config.gateway_url.split("://", 1)[1],
        )

    def gateway_for(self, spec: ApiSpec, invoke: Invoke, domain_name: str) -> LocalApiGateway:
        """A gateway with this stack's authorizer in front of `invoke`."""
        return LocalApiGateway(
            spec,
            invoke,
            CognitoAuthorizers(CognitoTokenVerifier(self.jwks_url)),
            domain_name=domain_name,
            scheme=self.config.scheme,
            log=self.console.request,
        )

    @contextmanager
    def another_gateway(self, spec: ApiSpec, invoke: Invoke) -> Iterator[str]:
        """Serve another stage of this stack's API (another spec, or other functions behind it)
        on a free port, as tests and benchmarks need; yields its stage URL."""
        port = free_port()
        gateway = self.gateway_for(spec, invoke, f"127.0.0.1:{port}")
        try:
            with serving_in_thread(gateway, port) as url:
                yield f"{url}/{spec.stage}/"
        finally:
            gateway.close()

    def rotate_keys(self) -> dict[str, str]:
        """Rotate every secret the template schedules for rotation, through its function."""
        return rotate_all(self.provisioned, self.functions.handler)

    def client(self, service: str) -> Any:
        return boto3.session.Session(
            region_name=self.config.region,
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        ).client(service, endpoint_url=self.emulator.url)  # type: ignore[call-overload]

    def _event_sources(self) -> None:
        """A poller per event source in the template, invoking its function's workers."""
        self.stream_pumps, self.s3_pumps = event_source_mappings(
            self.provisioned,
            self.functions,
            self.client("dynamodbstreams"),
            self.client("sqs"),
            self.checkpoints,
            sqs_at=self._sqs_at,
        )
        self.ttl = TtlReaper(self.client("dynamodb"), self.provisioned.ttl_attributes)
        self.sns_pumps = sns_event_sources(self.provisioned, self.functions, self.client("sqs"))

    def _sqs_at(self, endpoint: str) -> Any:
        """SQS in the emulator at `endpoint`: the user-files one checks IAM, so as its admin."""
        if endpoint == self.user_files.url:
            return self.user_files.admin_client("sqs")
        return self.client("sqs")

    def start_polling(self) -> None:
        """Deliver events continuously from now on (make run; tests drain by hand)."""
        pumps: list[Pollable] = [p for ps in self.stream_pumps.values() for p in ps]
        pumps += [p for ps in self.s3_pumps.values() for p in ps]
        pumps += [p for ps in self.sns_pumps.values() for p in ps]
        self.poller = PumpThread([*pumps, self.ttl])
        self.poller.start()

    def stop(self) -> None:
        """Stop in reverse order; safe to call on a stack that started only partly."""
        if self.poller is not None:
            self.poller.stop()
        if hasattr(self, "gateway"):
            self.gateway.close()
        if hasattr(self, "functions"):
            self.functions.stop()
        if self.metrics is not None:
            self.metrics.stop()
        if hasattr(self, "dax"):
            self.dax.close()
        self.user_files.stop()
        self.emulator.stop()


def _dax_ttls(provisioned: Provisioned) -> tuple[float, float]:
    """Item and query TTLs (seconds) of the template's DAX parameter group, conditional or not."""
    for resource in provisioned.template["Resources"].values():
        if resource["Type"] == "AWS::DAX::ParameterGroup":
            values = provisioned.resolve(resource["Properties"]["ParameterNameValues"])
            return (
                int(values["record-ttl-millis"]) / 1000,
                int(values["query-ttl-millis"]) / 1000,
            )
    return 300.0, 300.0  # DAX's defaults (5 minutes)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)
