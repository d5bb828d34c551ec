"""The local stack: emulator + provisioning from template.yaml + the same app under uvicorn."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.devstack.cfn import load_template
from app.devstack.emulator import LOCAL_CREDENTIALS, Emulator
from app.devstack.provision import Provisioned, Provisioner

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TEMPLATE = REPO_ROOT / "template.yaml"
RANDOM_SEED = 20261124  # makes the emulator's generated ids repeat when its recording is replayed


@dataclass(frozen=True)
class StackConfig:
    """Where the local stack keeps its state and which ports it uses."""

    state_dir: Path
    api_port: int = 3000
    emulator_port: int = 4566
    stage: str = "local"
    region: str = "us-east-1"
    https: bool = False
    persist: bool = True
    template: Path = DEFAULT_TEMPLATE

    @property
    def recording(self) -> Path:
        """The emulator's request log, replayed on start to restore state."""
        return self.state_dir / "emulator-recording.jsonl"

    @property
    def outputs_file(self) -> Path:
        """The stack's Outputs as JSON (same keys as the template's, plus AwsEndpointUrl)."""
        return self.state_dir / "outputs.json"

    @property
    def api_url(self) -> str:
        """Base URL of the local API, ending with /."""
        return f"{'https' if self.https else 'http'}://127.0.0.1:{self.api_port}/"


@dataclass(frozen=True)
class RunningStack:
    """A started emulator with the template's resources, and the app's environment."""

    emulator: Emulator
    provisioned: Provisioned
    outputs: dict[str, str]
    api_environment: dict[str, str]


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
    """Start the emulator, restore its state, create the template's resources, write outputs."""
    config.state_dir.mkdir(parents=True, exist_ok=True)
    recording = config.recording if config.persist else None
    replay = recording is not None and recording.exists() and recording.stat().st_size > 0
    emulator = Emulator(
        config.emulator_port, recording=recording, log=config.state_dir / "emulator.log"
    )
    started = time.monotonic()
    progress(f"starting the AWS emulator on {emulator.url}")
    emulator.start()
    try:
        if replay:
            progress(f"restoring local data ({_count_lines(config.recording)} recorded requests)")
            emulator.post("/moto-api/recorder/replay-recording")
        else:
            emulator.post(f"/moto-api/seed?a={RANDOM_SEED}")
        os.environ.update(aws_environment(emulator.url, config.region))
        progress(f"creating resources from {config.template.name}")
        template = load_template(config.template)
        provisioner = Provisioner(
            template, emulator.url, config.region, stack_name=f"serverless-reference-{config.stage}"
        )
        provisioned = provisioner.provision(
            {"Stage": config.stage}, progress=lambda m: progress("  " + m)
        )
        outputs = {
            **provisioned.outputs,
            "ApiUrl": config.api_url,
            "AwsEndpointUrl": emulator.url,
        }
        api_environment = {
            **provisioned.environments["ApiFunction"],
            **aws_environment(emulator.url, config.region),
            # Locally the app verifies ID tokens itself against the emulator's JWKS (loopback only).
            "AUTH_MODE": "jwt",
            "JWKS_URL": f"{emulator.url}/{outputs['UserPoolId']}/.well-known/jwks.json",
        }
        progress(f"resources ready in {time.monotonic() - started:.1f} s")
        return RunningStack(emulator, provisioned, outputs, api_environment)
    except BaseException:
        emulator.stop()
        raise


def write_outputs(config: StackConfig, outputs: dict[str, str]) -> None:
    """Publish the outputs where clients (and newcomer-check) read them."""
    tmp = config.outputs_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(outputs, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(config.outputs_file)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)
