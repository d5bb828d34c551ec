"""What the local API Gateway adds per request, and each function's cold and warm first response.

1. Added latency: the same warm worker answers the same request two ways, interleaved in one run:
   through the gateway over HTTP (routing, the Cognito authorizer, the stage-cache lookup, the
   event, the response mapping, HTTP both ways, on a kept-alive connection with a minimal client)
   and invoked directly with the event the gateway built. Throttling is lifted (a benchmark sends
   far more than the stage's 100 a second) and every request reads past the stage cache (a
   `fresh` value of its own), so the function runs. Target: <= 1 ms added at p50.
2. Cold vs warm: each function's first invocation in a new environment (init included) and the
   next one, API functions through the gateway, event functions with a recorded event.
"""

from __future__ import annotations

import json
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx

from app.devstack.cognito.users import sign_in
from app.devstack.functions.pool import Invocation
from app.devstack.stack import LocalStack
from bench.harness import (
    ROOT,
    RawHttp,
    local_stack,
    median,
    percentile,
    unthrottled,
)

ROUNDS, WARMUP = 800, 50
TARGET_MS = 1.0
EVENT_FUNCTIONS = {
    "RenderSiteFunction": {"Records": []},
    "SubscriberMailFunction": json.loads(
        (ROOT / "events" / "dynamodb" / "subscriber_modify.json").read_text()
    ),
    "ThumbnailFunction": json.loads(
        (ROOT / "events" / "s3" / "own_thumbnail_created.json").read_text()
    ),
    "StorageMeterFunction": json.loads(
        (ROOT / "events" / "s3" / "user_file_created.json").read_text()
    ),
}


def added_latency(stack: LocalStack, token: str) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per request for each route measured, through the gateway and direct."""
    captured: dict[str, dict[str, Any]] = {}

    def capturing(function: str, event: dict[str, Any]) -> Invocation:
        captured[event["resource"]] = event
        return stack.functions.invoke(function, event)

    spec = unthrottled(stack.gateway.spec)
    headers = {"Authorization": f"Bearer {token}"}
    routes = {"/health": ("TodosFunction", {}), "/todos": ("TodosFunction", headers)}
    results: dict[str, dict[str, list[float]]] = {}
    with stack.another_gateway(spec, capturing) as url, closing(RawHttp(url)) as http:
        for path, (function, route_headers) in routes.items():
            assert http.get(f"{path}?fresh=capture", route_headers)[0] == 200
            event = captured[path]
            through, direct = [], []
            for index in range(WARMUP + ROUNDS):
                started = time.perf_counter()
                status, body = http.get(f"{path}?fresh={index}", route_headers)
                gateway_ms = (time.perf_counter() - started) * 1000
                assert status == 200, body
                started = time.perf_counter()
                invocation = stack.functions.invoke(function, event)
                direct_ms = (time.perf_counter() - started) * 1000
                assert invocation.ok, invocation.error
                if index >= WARMUP:
                    through.append(gateway_ms)
                    direct.append(direct_ms)
            results[path] = {"gateway": through, "direct": direct}
    return results


def cold_and_warm(stack: LocalStack, token: str) -> dict[str, tuple[float, float]]:
    """First and second response (ms) of each function in a fresh environment."""
    api = {
        "TodosFunction": "todos",
        "StorageFunction": "me/storage",
        "PostsFunction": "posts",
        "SubscriptionsFunction": "subscriptions/unsubscribe",  # the page (400 without a link)
        "PhotosFunction": "posts/none/photos",
    }
    spec = unthrottled(stack.gateway.spec, cache=False)
    timings: dict[str, tuple[float, float]] = {}
    with (
        stack.another_gateway(spec, stack.functions.invoke) as url,
        httpx.Client(base_url=url) as http,
    ):
        for function, path in api.items():
            stack.functions.pools[function].retire()
            first, second = (
                _timed(lambda p=path: http.get(p, headers={"Authorization": f"Bearer {token}"}))
                for _ in range(2)
            )
            timings[function] = (first, second)
    for function, event in EVENT_FUNCTIONS.items():
        stack.functions.pools[function].retire()
        first, second = (
            _timed(lambda f=function, e=event: stack.functions.invoke(f, e)) for _ in range(2)
        )
        timings[function] = (first, second)
    return timings


def _timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    """Measure and print both tables."""
    with tempfile.TemporaryDirectory() as tmp, local_stack(Path(tmp)) as stack:
        token = sign_in(stack.outputs, "bench@example.com", "Bench-Passw0rd-1")["IdToken"]
        latency = added_latency(stack, token)
        cold = cold_and_warm(stack, token)
        code = {"sam build" if p.code.built else "src/" for p in stack.functions.pools.values()}
    print(f"Gateway added latency: {ROUNDS} interleaved requests per route, same warm worker")
    print(f"  functions run from: {', '.join(sorted(code))}")
    print(f"{'route':10} {'through gateway p50/p99':>24} {'direct p50/p99':>17} {'added p50':>10}")
    worst = 0.0
    for path, measured in latency.items():
        through, direct = measured["gateway"], measured["direct"]
        added = median(through) - median(direct)
        worst = max(worst, added)
        print(
            f"GET {path:6} {median(through):11.2f} / {percentile(through, 99):6.2f} ms"
            f" {median(direct):7.2f} / {percentile(direct, 99):6.2f} ms {added:8.2f} ms"
        )
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(f"target: <= {TARGET_MS:.1f} ms added at p50: {verdict} (worst {worst:.2f} ms)\n")
    print("Cold vs warm: first response in a new environment, then the next one")
    print(f"{'function':24} {'cold ms':>9} {'warm ms':>9} {'cold/warm':>10}")
    for function, (first, second) in cold.items():
        print(f"{function:24} {first:9.1f} {second:9.1f} {first / second:9.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
