"""Benchmark plumbing: the emulator with the template's resources, the build, child processes."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.devstack.emulators.process import Emulator
from app.devstack.ports import free_port
from app.devstack.provisioning.intrinsics import load_template
from app.devstack.provisioning.provision import Provisioner
from app.devstack.stack import aws_environment

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / ".aws-sam" / "build" / "TodosFunction"
EVENTS = ROOT / "events" / "api"


@contextmanager
def local_aws() -> Iterator[dict[str, str]]:
    """Start the emulator, create the template's resources, yield TodosFunction's environment."""
    with tempfile.TemporaryDirectory() as tmp:
        emulator = Emulator(free_port(), log=Path(tmp) / "emulator.log")
        emulator.start()
        try:
            provisioned = Provisioner(
                load_template(ROOT / "template.yaml"), emulator.url, "us-east-1", "bench"
            ).provision({"Stage": "bench"}, progress=lambda _m: None)
            env = {
                **provisioned.environments["TodosFunction"],
                **aws_environment(emulator.url, "us-east-1"),
                "AUTH_MODE": "apigateway",
                "POWERTOOLS_LOG_LEVEL": "WARNING",
            }
            yield env
        finally:
            emulator.stop()


def require_build() -> Path:
    """The sam build output; benchmarks measure what Lambda would run."""
    if not (BUILD / "app" / "handlers" / "api.py").exists():
        raise SystemExit("no build at .aws-sam/build: run `make build` first")
    return BUILD


def run_child(script: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run `script` in a fresh bare interpreter (no site-packages) and parse its last JSON line."""
    result = subprocess.run(
        [sys.executable, "-S", "-I", "-c", script, *args],
        env={**env, "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest-rank."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)
