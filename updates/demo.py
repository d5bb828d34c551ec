"""`make updates-demo`: an unchanged origin, the edge from the template, and a flash crowd.

The origin is a plain static file server (nginx over a folder of update files): none of our code.
Run: python -m updates.demo demo [SIZE_MB CLIENTS DOWNLOADS]
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from updates.edge import REPO_ROOT, edge_behaviors, edge_config, origin_config
from updates.nginx import Nginx, read_log


def make_update_files(root: Path, size_mb: int, version: str = "2.0.0") -> Path:
    """A folder like an update server's: one large versioned file and a manifest."""
    releases = root / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    update = releases / f"app-{version}.bin"
    if not update.exists() or update.stat().st_size != size_mb * 1024 * 1024:
        chunk = os.urandom(1024 * 1024)
        with update.open("wb") as handle:
            for index in range(size_mb):
                handle.write(chunk[index % 97 :] + chunk[: index % 97])  # no two MB alike
    (root / "latest.json").write_text(
        f'{{"version": "{version}", "url": "/releases/{update.name}", "size": '
        f"{update.stat().st_size}}}\n",
        encoding="utf-8",
    )
    return update


@dataclass(frozen=True)
class Download:
    """One client's download as curl saw it."""

    seconds: float
    size: int
    status: int
    resumed: bool


def flash_crowd(
    url: str,
    *,
    clients: int,
    downloads: int,
    size: int,
    resume_share: float,
    seed: int = 1,
) -> list[Download]:
    """`clients` concurrent curl processes sharing `downloads` requests of `url` between them.

    A `resume_share` of them resume an interrupted download: `Range: bytes=<offset>-` from a
    random point between 10% and 90% of the file.
    """
    curl = shutil.which("curl")
    if curl is None:
        raise FileNotFoundError("curl is needed for the crowd: apt-get install curl")
    rng = random.Random(seed)  # noqa: S311 - a repeatable crowd, not a secret
    plan = [
        (rng.random() < resume_share, rng.randrange(size // 10, size * 9 // 10))
        for _ in range(downloads)
    ]
    results: list[Download] = []
    lock = threading.Lock()
    work = iter(plan)

    def client() -> None:
        while True:
            with lock:
                job = next(work, None)
            if job is None:
                return
            resumed, offset = job
            argv = [
                curl,
                "-s",
                "-o",
                os.devnull,
                "-w",
                "%{time_total} %{size_download} %{http_code}",
            ]
            if resumed:
                argv += ["-r", f"{offset}-"]
            done = subprocess.run([*argv, url], capture_output=True, text=True, check=False)
            seconds, got, status = done.stdout.split()
            with lock:
                results.append(Download(float(seconds), int(got), int(status), resumed))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _demo(size_mb: int, clients: int, downloads: int) -> int:
    """`make updates-demo`: origin + edge from the template, a live crowd, then serve until ^C."""
    state = REPO_ROOT / ".devstack" / "updates"
    shutil.rmtree(state / "edge-cache", ignore_errors=True)
    for log in state.glob("*.log"):
        log.unlink()
    state.mkdir(parents=True, exist_ok=True)
    update = make_update_files(state / "origin", size_mb)
    origin_port = int(os.environ.get("UPDATES_ORIGIN_PORT", "8091"))
    edge_port = int(os.environ.get("UPDATES_EDGE_PORT", "8090"))
    behaviors = edge_behaviors()
    origin = Nginx(
        "origin", origin_config(state / "origin", port=origin_port, state=state), state, origin_port
    )
    edge = Nginx(
        "edge",
        edge_config(
            behaviors, port=edge_port, origin_port=origin_port, state=state, origin_host="localhost"
        ),
        state,
        edge_port,
    )
    path = f"/releases/{update.name}?version=2.0.0"
    with origin, edge:
        print(f"origin (unchanged, static): http://127.0.0.1:{origin_port}{path}")
        print(
            f"edge (the distribution's cache policy, from updates/template.yaml): "
            f"http://127.0.0.1:{edge_port}{path}"
        )
        print(f"edge configuration: {edge.config_file}\n")
        print(
            f"a flash crowd: {downloads} downloads of {size_mb} MB by {clients} clients, "
            f"a quarter resuming with Range, through the edge..."
        )
        crowd = threading.Thread(
            target=flash_crowd,
            args=(f"http://127.0.0.1:{edge_port}{path}",),
            kwargs={
                "clients": clients,
                "downloads": downloads,
                "size": update.stat().st_size,
                "resume_share": 0.25,
            },
            daemon=True,
        )
        crowd.start()
        while crowd.is_alive():
            _report(state)
            crowd.join(0.5)
        _report(state)
        print("\n\ndone. The edge keeps serving: try the URLs above with curl -r; Ctrl-C stops.")
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
    return 0


def _report(state: Path) -> None:
    delivered = read_log(state / "edge-access.log")
    origin = read_log(state / "origin-access.log")
    share = origin.body_bytes / delivered.body_bytes * 100 if delivered.body_bytes else 0.0
    print(
        f"\r  edge: {delivered.requests:5d} requests, {delivered.body_bytes / 1e9:7.2f} GB sent"
        f" | origin: {origin.requests:4d} requests, {origin.body_bytes / 1e6:7.1f} MB"
        f" ({share:6.3f}% of delivered)",
        end="",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m updates.demo demo [SIZE_MB CLIENTS DOWNLOADS]`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "demo":
        print(main.__doc__)
        return 2
    size_mb, clients, downloads = (int(a) for a in (args[1:] or ["100", "40", "200"]))
    # `kill` and Ctrl-C both leave through the context managers that stop nginx.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    return _demo(size_mb, clients, downloads)


if __name__ == "__main__":
    raise SystemExit(main())
