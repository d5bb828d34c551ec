"""Repeated to-do list reads through the local stack, with and without the read cache.

Prints DynamoDB calls per 1,000 list reads within the TTL (target <= 1) and p50/p99 latency of
`GET /todos` over HTTP, through the gateway (stage cache off) to TodosFunction's workers, both
measured in this run against the same emulator and data.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import httpx

from app.devstack.cognito.users import sign_in
from app.devstack.functions.service import LocalLambda
from bench.harness import local_stack, median, percentile, unthrottled

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
    with tempfile.TemporaryDirectory() as tmp, local_stack(Path(tmp)) as stack:
        spec = unthrottled(stack.gateway.spec, cache=False)  # the function's cache, not the stage's
        todos = {"TodosFunction": stack.provisioned.functions["TodosFunction"]}

        def functions(dax: str) -> LocalLambda:
            """TodosFunction in its own workers, reading through the local DAX or not."""
            return LocalLambda(
                todos,
                project=stack.config.project,
                build=stack.config.build,
                logs=stack.config.logs,
                local_environment=lambda spec: {
                    **stack.local_environment(spec),
                    "LOCAL_DAX_ENDPOINT": dax,
                    "CACHE_QUERY_TTL_MS": "600000",
                },
            )

        # The stack's DAX stand-in has the template's TTLs: 60 s for queries, enough here.
        cached, plain = functions(stack.config.dax_url), functions("")
        try:
            token = sign_in(stack.outputs, "bench@example.com", "Bench-Passw0rd-1")["IdToken"]
            log = stack.config.state_dir / "emulator.log"
            with (
                stack.another_gateway(spec, cached.invoke) as cached_url,
                stack.another_gateway(spec, plain.invoke) as plain_url,
            ):
                # Written through the uncached workers: the cached ones' reader is not a recent
                # writer, so its reads are served from the cache, as another device's would be.
                with httpx.Client(base_url=plain_url) as http:
                    for i in range(TODOS):
                        http.post(
                            "/todos",
                            json={"title": f"t{i}"},
                            headers={"Authorization": f"Bearer {token}"},
                        ).raise_for_status()
                results = {
                    label: measure(url, token, log)
                    for label, url in (("with read cache", cached_url), ("without", plain_url))
                }
                hits = dict(stack.dax.stats.hits)
        finally:
            cached.stop()
            plain.stop()
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
    print(f"answered by the local DAX (shared by all environments): {hits}")
    print(f"target: <= 1 DynamoDB call per {READS} repeated list reads within the TTL")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
