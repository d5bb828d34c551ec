"""Where the local stack keeps its state, which ports it serves on, and what it runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.devstack.functions.pool import DEFAULT_MAX_ENVIRONMENTS
from app.devstack.ports import free_ports

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TEMPLATE = REPO_ROOT / "template.yaml"
DEFAULT_BUILD = REPO_ROOT / ".aws-sam" / "build"


@dataclass(frozen=True)
class StackConfig:
    """Ports, folders and options of one local stack."""

    state_dir: Path
    api_port: int = 3000
    emulator_port: int = 4566
    user_files_port: int = 4567
    identity_port: int = 4568
    site_port: int = 8080
    dax_port: int = 4569
    credentials_ttl_seconds: int = 3600
    stage: str = "local"
    region: str = "us-east-1"
    https: bool = False
    persist: bool = True
    template: Path = DEFAULT_TEMPLATE
    project: Path = REPO_ROOT  # template paths (CodeUri) are relative to it
    build: Path | None = DEFAULT_BUILD  # sam build's output; None: always run from source
    max_environments: int = DEFAULT_MAX_ENVIRONMENTS  # per function
    # Template parameters beside Stage, as `sam deploy --parameter-overrides` gives them.
    parameters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def ephemeral(cls, state_dir: Path, stage: str, **options: object) -> StackConfig:
        """A throwaway stack on free loopback ports, nothing recorded (tests, benchmarks)."""
        api, emulator, user_files, identity, site, dax = free_ports(6)
        return cls(
            state_dir=state_dir,
            api_port=api,
            emulator_port=emulator,
            user_files_port=user_files,
            identity_port=identity,
            site_port=site,
            dax_port=dax,
            stage=stage,
            persist=False,
            **options,  # type: ignore[arg-type]
        )

    @property
    def scheme(self) -> str:
        """http, or https with `make run HTTPS=1`."""
        return "https" if self.https else "http"

    @property
    def recording(self) -> Path:
        """The emulator's request log, replayed on start to restore state."""
        return self.state_dir / "emulator-recording.jsonl"

    @property
    def checkpoints(self) -> Path:
        """Where event source mappings keep their positions across restarts."""
        return self.state_dir / "event-sources.json"

    @property
    def resources_file(self) -> Path:
        """Every resource created, with its physical name (what the console sums up)."""
        return self.state_dir / "resources.txt"

    @property
    def logs(self) -> Path:
        """Each function's log (its CloudWatch log group, locally)."""
        return self.state_dir / "logs"

    @property
    def outputs_file(self) -> Path:
        """The stack's Outputs as JSON (the template's keys, plus the local endpoints)."""
        return self.state_dir / "outputs.json"

    @property
    def identity_url(self) -> str:
        """Endpoint of the local Cognito Identity service."""
        return f"http://127.0.0.1:{self.identity_port}"

    @property
    def dax_url(self) -> str:
        """The local DAX stand-in: a caching DynamoDB endpoint."""
        return f"http://127.0.0.1:{self.dax_port}"

    @property
    def gateway_url(self) -> str:
        """Where the local API Gateway listens (its execute-api domain, locally); no slash."""
        return f"{self.scheme}://127.0.0.1:{self.api_port}"

    @property
    def api_url(self) -> str:
        """Base URL of the API: the stage is the first path segment, as on execute-api."""
        return f"{self.gateway_url}/{self.stage}/"

    @property
    def site_url(self) -> str:
        """The local site: pages from the site bucket, the API under /api/ (as CloudFront)."""
        return f"{self.scheme}://127.0.0.1:{self.site_port}/"
