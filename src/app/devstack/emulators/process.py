"""The AWS emulator (moto server) as a child process bound to 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Self

from app.devstack.ports import port_in_use

LOCAL_CREDENTIALS = {
    # Fake keys: the emulator accepts any; real credentials must never reach it.
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
# What the emulators know of the local key, to check signatures they verify (POST policies).
LOCAL_SECRETS = {LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"]: LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}


class Emulator:
    """A moto server process; with `recording` set, every request is appended to that file."""

    def __init__(
        self,
        port: int,
        *,
        recording: Path | None = None,
        log: Path | None = None,
        server_module: str = "moto.server",
    ) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._recording = recording
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None
        self._server_module = server_module

    def start(self, timeout: float = 30.0) -> None:
        """Start the server and wait until it answers."""
        if port_in_use(self.port):
            raise RuntimeError(f"port {self.port} on 127.0.0.1 is already in use")
        env = {**os.environ, **LOCAL_CREDENTIALS}
        # Stable user pool and client ids across restarts (the recording is replayed).
        env["MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY"] = "HASH"
        env["MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY"] = "HASH"
        if self._recording is not None:
            env["MOTO_ENABLE_RECORDING"] = "True"
            env["MOTO_RECORDER_FILEPATH"] = str(self._recording)
        else:
            env.pop("MOTO_ENABLE_RECORDING", None)
        src = str(Path(__file__).resolve().parents[3])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
        with self._log.open("ab") if self._log else open(os.devnull, "wb") as output:  # noqa: PTH123
            self._process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
                [
                    sys.executable,
                    "-m",
                    self._server_module,
                    "-H",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                ],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the emulator exited with code {self._process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):  # noqa: S310
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the emulator did not answer on {self.url} within {timeout:.0f} s")

    def post(self, path: str, body: bytes = b"") -> bytes:
        """POST to one of moto's own endpoints (`/moto-api/...`)."""
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{self.url}{path}", data=body, method="POST", headers={"Content-Type": "text/plain"}
        )
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - loopback
            data: bytes = response.read()
            return data

    def stop(self) -> None:
        """Stop the server (and wait for it)."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
