"""Software-update offloading, proven locally: an unchanged origin and a real edge cache.

The origin is a plain static file server (nginx over a folder of update files): none of our
code. The edge is nginx with `proxy_cache`, `slice` (ranges served from cached slices) and
`proxy_cache_lock` (a flash crowd collapses into one origin fetch per slice), configured from
`updates/template.yaml`'s cache behaviours and policies, so what runs here is what CloudFront
is told to do. Local differences from CloudFront (one edge, no Origin Shield tier, plain HTTP
on loopback, MaxTTL not enforced on origin-sent max-age) are listed in README.
"""

from __future__ import annotations

import contextlib
import ctypes
import fnmatch
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.devstack.cfn import Resolver, load_template
from app.devstack.emulator import port_in_use

REPO_ROOT = Path(__file__).resolve().parents[3]
UPDATES_TEMPLATE = REPO_ROOT / "updates" / "template.yaml"
SLICE = "1m"  # the unit the edge fetches and caches large files in
# The origin team's only optional change: manifests say how fresh they must be.
MANIFEST_CACHE_CONTROL = "public, max-age=30"


@dataclass(frozen=True)
class CachePolicy:
    """What a CloudFront cache policy decides: TTLs and what is in the cache key."""

    name: str
    min_ttl: int
    default_ttl: int
    max_ttl: int
    query_strings: tuple[str, ...]
    cookies: str
    headers: str
    encodings_in_key: bool


@dataclass(frozen=True)
class Behavior:
    """A cache behaviour: a path pattern (None for the default), compression and its policy."""

    path_pattern: str | None
    compress: bool
    policy: CachePolicy


def edge_behaviors(
    template: dict[str, Any] | None = None, parameters: Mapping[str, str] | None = None
) -> list[Behavior]:
    """The distribution's behaviours in CloudFront's order (patterns first, the default last)."""
    template = template or load_template(UPDATES_TEMPLATE)
    values = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    values.update(parameters or {})
    values.setdefault("OriginDomainName", "origin.invalid")
    values.setdefault("AWS::StackName", "local-updates")
    refs = {name: name for name in template["Resources"]}
    resolver = Resolver(values, refs, {}, conditions=template.get("Conditions", {}))
    policies = {
        name: _policy(resolver.resolve(resource["Properties"]["CachePolicyConfig"]))
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::CloudFront::CachePolicy"
    }
    (distribution,) = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::CloudFront::Distribution"
    ]
    config = resolver.resolve(distribution["Properties"]["DistributionConfig"])
    behaviors = [
        Behavior(b["PathPattern"], bool(b.get("Compress", False)), policies[b["CachePolicyId"]])
        for b in config.get("CacheBehaviors", [])
    ]
    default = config["DefaultCacheBehavior"]
    behaviors.append(
        Behavior(None, bool(default.get("Compress", False)), policies[default["CachePolicyId"]])
    )
    return behaviors


def _policy(config: dict[str, Any]) -> CachePolicy:
    keyed = config["ParametersInCacheKeyAndForwardedToOrigin"]
    query = keyed["QueryStringsConfig"]
    names: Any = query.get("QueryStrings", ())
    if isinstance(names, str):  # a CommaDelimitedList parameter resolves to its text
        names = [name.strip() for name in names.split(",") if name.strip()]
    if query["QueryStringBehavior"] == "none":
        names = ()
    elif query["QueryStringBehavior"] != "whitelist":
        raise ValueError("the local edge keys only on listed query strings")
    return CachePolicy(
        name=str(config["Name"]),
        min_ttl=int(config["MinTTL"]),
        default_ttl=int(config["DefaultTTL"]),
        max_ttl=int(config["MaxTTL"]),
        query_strings=tuple(names),
        cookies=keyed["CookiesConfig"]["CookieBehavior"],
        headers=keyed["HeadersConfig"]["HeaderBehavior"],
        encodings_in_key=bool(keyed["EnableAcceptEncodingGzip"]),
    )


def location_regex(path_pattern: str) -> str:
    """A CloudFront path pattern (`*` and `?` wildcards, case-sensitive) as an nginx regex."""
    pattern = path_pattern if path_pattern.startswith(("/", "*")) else f"/{path_pattern}"
    return "^" + fnmatch.translate(pattern).removeprefix("(?s:").removesuffix(")\\Z") + "$"


def _preamble(name: str, state: Path, workers: str, log_format: str) -> str:
    """What the origin and the edge share: files under `state`, and the `http {` they open."""
    # As root, nginx would drop its workers to `nobody`, who cannot read a private temp folder;
    # these servers listen on loopback only and serve a folder the demo made itself.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes {workers};
pid {state}/{name}.pid;
error_log {state}/{name}-error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format {name} '{log_format}';
    access_log {state}/{name}-access.log {name};
    sendfile on;
    tcp_nopush on;
    keepalive_requests 10000;
    client_body_temp_path {state}/{name}-tmp/body;
    proxy_temp_path {state}/{name}-tmp/proxy;
"""


def edge_config(
    behaviors: list[Behavior], *, port: int, origin_port: int, state: Path, origin_host: str
) -> str:
    """nginx configuration of an edge that caches as the distribution's behaviours say."""
    for behavior in behaviors:
        policy = behavior.policy
        if policy.cookies != "none" or policy.headers != "none":
            raise ValueError(
                "the local edge mirrors policies without cookies or headers in the key"
            )
    selectors = sorted({q for b in behaviors for q in b.policy.query_strings})
    pick = "".join(
        f'        if ($arg_{name}) {{ set $selectors "${{selectors}}&{name}=$arg_{name}"; }}\n'
        for name in selectors
    )
    locations = "".join(_location(b, origin_host) for b in behaviors)
    log = '$msec "$request" $status $body_bytes_sent $upstream_cache_status $request_time'
    return f"""# Generated from updates/template.yaml by app.devstack.updates: do not edit.
{_preamble("edge", state, "auto", log)}    proxy_cache_path {state}/edge-cache levels=1:2
                     keys_zone=updates:32m max_size=20g inactive=365d use_temp_path=off;
    upstream origin {{
        server 127.0.0.1:{origin_port};
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port} reuseport backlog=4096;
        # Only the selecting query strings: the cache key and all the origin is sent.
        set $selectors "";
{pick}{locations}    }}
}}
"""


def _location(behavior: Behavior, origin_host: str) -> str:
    policy = behavior.policy
    where = f"~ {location_regex(behavior.path_pattern)}" if behavior.path_pattern else "/"
    sliced = policy.min_ttl > 0  # large immutable files are fetched and cached in slices
    directives = [
        *([f"slice {SLICE}", "proxy_set_header Range $slice_range"] if sliced else []),
        "proxy_cache updates",
        f'proxy_cache_key "$uri?$selectors{"$slice_range" if sliced else ""}"',
        f"proxy_cache_valid 200 206 {policy.default_ttl}s",
        # MinTTL > 0: the origin cannot shorten the TTL (versioned files); else its headers decide.
        "proxy_ignore_headers "
        + ("Cache-Control Expires Set-Cookie" if policy.min_ttl > 0 else "Set-Cookie"),
        "proxy_hide_header Set-Cookie",
        "proxy_cache_lock on",
        "proxy_cache_lock_age 60s",
        "proxy_cache_lock_timeout 60s",
        "proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504",
        "proxy_cache_background_update on",
        "proxy_pass_request_headers off",  # no headers in the key: none reach the origin
        "proxy_http_version 1.1",
        'proxy_set_header Connection ""',
        f"proxy_set_header Host {origin_host}",
        *(
            ["gzip on", "gzip_types application/json application/xml text/plain"]
            if behavior.compress
            else ["gzip off"]
        ),
        "add_header X-Cache $upstream_cache_status always",
        # The origin sees the path as the client sent it (nginx escapes it) and the selectors only.
        "set $args $selectors",
        "proxy_pass http://origin",
    ]
    body = "".join(f"            {line};\n" for line in directives)
    return (
        f"        # {policy.name}: TTL min {policy.min_ttl} s, default {policy.default_ttl} s,"
        f" max {policy.max_ttl} s\n        location {where} {{\n{body}        }}\n"
    )


def origin_config(root: Path, *, port: int, state: Path) -> str:
    """nginx as a plain static file server: the unchanged origin (plus manifest Cache-Control)."""
    log = '$msec "$request" $status $body_bytes_sent $request_time'
    return f"""# The stand-in origin: static files, none of our code.
{_preamble("origin", state, "1", log)}    types {{
        application/json json;
        application/octet-stream bin;
    }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port} reuseport backlog=4096;
        root {root};
        location ~ \\.json$ {{
            add_header Cache-Control "{MANIFEST_CACHE_CONTROL}";
        }}
    }}
}}
"""


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
        subprocess.run(  # noqa: S603 - fixed argv: Debian's nginx and our generated file
            [binary, "-t", "-q", "-e", errors, "-c", str(self.config_file)],
            check=True,
            capture_output=True,
        )
        self._process = subprocess.Popen(  # noqa: S603 - as above
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
            done = subprocess.run([*argv, url], capture_output=True, text=True, check=False)  # noqa: S603
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
    """`python -m app.devstack.updates demo [SIZE_MB CLIENTS DOWNLOADS]`."""
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
