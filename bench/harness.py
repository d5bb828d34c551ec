"""Benchmark plumbing: the emulator with the template's resources, the build, child processes."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.devstack.config import StackConfig
from app.devstack.console import Console
from app.devstack.emulators.process import Emulator
from app.devstack.gateway.spec import ApiSpec, MethodSetting
from app.devstack.ports import free_port
from app.devstack.provisioning.intrinsics import load_template
from app.devstack.provisioning.provision import Provisioner
from app.devstack.serving import serving_in_thread
from app.devstack.stack import LocalStack, aws_environment

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / ".aws-sam" / "build" / "TodosFunction"
EVENTS = ROOT / "events" / "api"


@contextmanager
def local_aws() -> Iterator[dict[str, str]]:
    """Start the emulator, create the template's resources, yield TodosFunction's environment."""
    with function_environments() as environments:
        yield environments["TodosFunction"]


@contextmanager
def function_environments() -> Iterator[dict[str, dict[str, str]]]:
    """Start the emulator, create the template's resources, yield every function's environment
    (the template's, plus the emulator's endpoint and credentials), by logical id."""
    with tempfile.TemporaryDirectory() as tmp:
        emulator = Emulator(free_port(), log=Path(tmp) / "emulator.log")
        emulator.start()
        try:
            provisioned = Provisioner(
                load_template(ROOT / "template.yaml"), emulator.url, "us-east-1", "bench"
            ).provision({"Stage": "bench"}, progress=lambda _m: None)
            aws = aws_environment(emulator.url, "us-east-1")
            yield {
                name: {**env, **aws, "POWERTOOLS_LOG_LEVEL": "WARNING"}
                for name, env in provisioned.environments.items()
            }
        finally:
            emulator.stop()


@contextmanager
def local_stack(tmp: Path) -> Iterator[LocalStack]:
    """The whole local stack as the tests start it (functions in worker processes), quiet."""
    config = StackConfig.ephemeral(tmp, stage="bench")
    stack = LocalStack(config, Console(quiet=True)).start()
    try:
        # The storage function asks the local Cognito Identity service: serve it too.
        with (
            serving_in_thread(stack.identity.app(), config.identity_port),
            serving_in_thread(stack.dax, config.dax_port),
        ):
            yield stack
    finally:
        stack.stop()


def unthrottled(spec: ApiSpec, *, cache: bool = True) -> ApiSpec:
    """The stage as the template declares it, minus its throttles (a benchmark sends far more
    than 100 requests a second), and with the stage cache on or off."""

    def lifted(setting: MethodSetting) -> MethodSetting:
        return dataclasses.replace(setting, rate_limit=1e9, burst_limit=10**9)

    return dataclasses.replace(
        spec,
        cache_enabled=spec.cache_enabled and cache,
        stage_setting=lifted(spec.stage_setting),
        method_settings={key: lifted(s) for key, s in spec.method_settings.items()},
    )


class RawHttp:
    """A minimal HTTP/1.1 client on one kept-alive connection, so that a latency measured over
    HTTP is mostly the server's (a full client library adds a few hundred microseconds)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._host = f"{parts.hostname}:{parts.port}"
        self._prefix = parts.path.rstrip("/")
        self._socket = socket.create_connection((parts.hostname, parts.port))
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader = self._socket.makefile("rb")

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        """Status and body of one GET."""
        lines = [f"GET {self._prefix}{path} HTTP/1.1", f"Host: {self._host}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self._socket.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status = int(self._reader.readline().split()[1])
        length = 0
        while (line := self._reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, self._reader.read(length)

    def close(self) -> None:
        """Close the connection."""
        self._reader.close()
        self._socket.close()


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
