"""`make run`'s stack as a child process: what the e2e and browser tests drive."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3

from app.devstack.ports import free_ports, port_in_use
from tests.conftest import REPO_ROOT


@contextmanager
def local_stack(state: Path, *extra: str) -> Iterator[tuple[dict[str, str], subprocess.Popen[str]]]:
    api_port, emulator_port, files_port, identity_port, site_port, dax_port = free_ports(6)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    log = state.parent / f"run-{api_port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.devstack",
                "--state-dir",
                str(state),
                "run",
                "--port",
                str(api_port),
                "--emulator-port",
                str(emulator_port),
                "--user-files-port",
                str(files_port),
                "--identity-port",
                str(identity_port),
                "--site-port",
                str(site_port),
                "--dax-port",
                str(dax_port),
                *extra,
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    outputs_file = state / "outputs.json"
    try:
        deadline = time.monotonic() + 90
        while not outputs_file.exists():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the local stack did not become ready"
            time.sleep(0.1)
        yield json.loads(outputs_file.read_text()), process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                raise
    for port in (api_port, emulator_port, files_port, identity_port, site_port, dax_port):
        assert not port_in_use(port)
    assert not outputs_file.exists()


def sign_in(outputs: dict[str, str], email: str, password: str) -> str:
    """What the mobile app does with Cognito: sign up, (locally: admin) confirm, sign in."""
    cognito = boto3.client(
        "cognito-idp", endpoint_url=outputs["AwsEndpointUrl"], region_name=outputs["Region"]
    )
    cognito.sign_up(ClientId=outputs["UserPoolClientId"], Username=email, Password=password)
    cognito.admin_confirm_sign_up(UserPoolId=outputs["UserPoolId"], Username=email)
    result = cognito.initiate_auth(
        ClientId=outputs["UserPoolClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    token: str = result["AuthenticationResult"]["IdToken"]
    return token


def make_user(state: Path, email: str, *options: str) -> str:
    """`make user EMAIL=... [AUTHOR=1]` against the stack whose state is `state`: an ID token."""
    return subprocess.run(
        [sys.executable, "-m", "app.devstack", "--state-dir", str(state), "user", email, *options],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
