"""Repeated to-do list reads through the local stack, with and without the read cache.

Prints DynamoDB calls per 1,000 list reads within the TTL (target <= 1) and p50/p99 latency of
`GET /todos` over HTTP, both measured in this run against the same emulator and data.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import httpx

from app.api.app import create_app
from app.bootstrap import build_container
from app.devstack.cognito.users import sign_in
from app.devstack.ports import free_port
from app.devstack.serving import serving_in_thread
from app.devstack.stack import StackConfig, start_stack
from app.settings import Settings
from bench.harness import median, percentile

READS = 1000
TODOS = 20


def emulator_requests(log: Path) -> int:
    """API requests the emulator has served so far (its access log: one line per request)."""
    time.sleep(0.3)  # let the emulator flush its log
    return log.read_text(encoding="utf-8", errors="replace").count('"POST / HTTP/1.1"')


def measure(url: str, token: str, log: Path) -> tuple[int, int, list[float]]:
    """DynamoDB calls of the first read, of the next READS reads, and their latencies in ms."""
    timings = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        start_count = emulator_requests(log)
        http.get("/todos").raise_for_status()
        after_first = emulator_requests(log)
        for _ in range(READS):
            start = time.perf_counter()
            http.get("/todos").raise_for_status()
            timings.append((time.perf_counter() - start) * 1000)
        end_count = emulator_requests(log)
    return after_first - start_count, end_count - after_first, timings


def main() -> int:
    """Run both configurations against one local stack and print the comparison."""
    with tempfile.TemporaryDirectory() as tmp:
        config = StackConfig.ephemeral(Path(tmp), stage="bench")
        stack = start_stack(config, progress=lambda _m: None)
        try:
            # As `make run` does: the app process takes the local environment (fake keys).
            os.environ.update(stack.api_environment)
            environment = {**stack.api_environment, "CACHE_QUERY_TTL_MS": "600000"}
            cached = build_container(Settings.model_validate(environment))
            uncached = build_container(
                Settings.model_validate({**environment, "LOCAL_READ_CACHE": "0"})
            )
            token = sign_in(stack.outputs, "bench@example.com", "Bench-Passw0rd-1")["IdToken"]
            log = config.state_dir / "emulator.log"
            with (
                serving_in_thread(create_app(cached), free_port()) as cached_url,
                serving_in_thread(create_app(uncached), free_port()) as uncached_url,
            ):
                # Written through the uncached app: the cached app's reader is not a recent
                # writer, so its reads are served from the cache, as another device's would be.
                with httpx.Client(base_url=uncached_url) as http:
                    for i in range(TODOS):
                        http.post(
                            "/todos",
                            json={"title": f"t{i}"},
                            headers={"Authorization": f"Bearer {token}"},
                        ).raise_for_status()
                results = {
                    label: measure(url, token, log)
                    for label, url in (("with read cache", cached_url), ("without", uncached_url))
                }
        finally:
            stack.stop()
    print(f"GET /todos ({TODOS} items), one reader, within the TTLs, over HTTP")
    print(f"{'':18} {'first read':>11} {'next ' + str(READS):>10} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{'':18} {'DDB calls':>11} {'DDB calls':>10}")
    for label, (first, repeated, timings) in results.items():
        print(
            f"{label:18} {first:11d} {repeated:10d} "
            f"{median(timings):8.2f} {percentile(timings, 99):8.2f}"
        )
    (_, _, cached_timings), (_, _, plain_timings) = results.values()
    print(f"p50 ratio with/without: {median(cached_timings) / median(plain_timings):.2f}x")
    print(f"target: <= 1 DynamoDB call per {READS} repeated list reads within the TTL")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
