"""The origin and the edge as Debian nginx processes, and what their access logs say."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from app.devstack.ports import port_in_use


def nginx_binary() -> str:
    """Debian's nginx (make installs nginx-light when it is missing)."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        raise FileNotFoundError("nginx is not installed: apt-get install nginx-light")
    return found


class Nginx:
    """One nginx master with a generated configuration, in the foreground of its own session."""

    def __init__(self, name: str, config: str, state: Path, port: int) -> None:
        self.name, self.state, self.port = name, state, port
        self.config_file = state / f"{name}.conf"
        self.config_file.write_text(config, encoding="utf-8")
        for folder in ("tmp/body", "tmp/proxy"):
            (state / f"{name}-{folder}").mkdir(parents=True, exist_ok=True)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10) -> None:
        """Start and wait until the port answers."""
        binary = nginx_binary()
        errors = str(self.state / f"{self.name}-error.log")
        subprocess.run(
            [binary, "-t", "-q", "-e", errors, "-c", str(self.config_file)],
            check=True,
            capture_output=True,
        )
        self._process = subprocess.Popen(
            [binary, "-e", errors, "-c", str(self.config_file), "-g", "daemon off;"],
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - started before any crowd thread
        )
        deadline = time.monotonic() + timeout
        while not port_in_use(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx ({self.name}) did not start: see {errors}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Quit (finishing nothing: the servers are throwaway) and wait."""
        if self._process is None or self._process.poll() is not None:
            return
        os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()

    def cpu_seconds(self) -> float:
        """User + system CPU time of the master and its workers so far."""
        if self._process is None:
            return 0.0
        pids = [self._process.pid, *_children(self._process.pid)]
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def __enter__(self) -> Nginx:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when our process dies, however it dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


@dataclass(frozen=True)
class LogTotals:
    """Requests and body bytes in an access log (from a byte offset on)."""

    requests: int
    body_bytes: int
    hits: int


def read_log(path: Path, offset: int = 0) -> LogTotals:
    """Count the lines written since `offset` (status, bytes and cache status columns)."""
    requests = body = hits = 0
    if path.exists():
        with path.open("rb") as handle:
            handle.seek(offset)
            for raw in handle:
                after = raw.decode("utf-8", "replace").rsplit('"', 1)[1].split()
                requests += 1
                body += int(after[1])
                hits += after[2:3] == ["HIT"]  # only the edge's log has a cache status
    return LogTotals(requests, body, hits)
