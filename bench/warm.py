"""Warm invocations: p50/p99 per call of our handler vs bare handlers, in one run.

Two pairs, each through the `sam build` artifact in a bare interpreter:
- framework overhead: our `GET /health` vs a bare handler returning the same JSON;
- like for like: our `GET /todos` (Mangum, FastAPI, auth claims, PynamoDB, cursor) vs a bare
  handler making the same DynamoDB Query with botocore and `json.dumps` (both against the emulator).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from bench.harness import EVENTS, ROOT, local_aws, median, percentile, require_build, run_child

CALLS, WARMUP = 1500, 100
CHILD = r"""
import importlib, json, sys, time
sys.path[:0] = sys.argv[1].split(":")
module_name, _, function = sys.argv[2].rpartition(".")
handler = getattr(importlib.import_module(module_name), function)
with open(sys.argv[3]) as f:
    event = json.load(f)
calls, warmup = int(sys.argv[4]), int(sys.argv[5])

class Context:
    aws_request_id = "warm"
    function_name = "api"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:api"
    memory_limit_in_mb = 1024
    def get_remaining_time_in_millis(self):
        return 10000

context = Context()
for _ in range(warmup):
    handler(event, context)
timings = []
for _ in range(calls):
    start = time.perf_counter_ns()
    response = handler(event, context)
    timings.append((time.perf_counter_ns() - start) / 1000)
    assert response["statusCode"] == 200, response
print(json.dumps({"us": timings}))
"""


def main() -> int:
    """Measure both pairs and print p50, p99 and the ratios."""
    build = require_build()
    with tempfile.TemporaryDirectory() as tmp, local_aws() as env:
        bare_dir = Path(tmp) / "bare"
        bare_dir.mkdir()
        shutil.copy(ROOT / "bench" / "bare_handlers.py", bare_dir / "bare_handlers.py")
        path_ours, path_bare = str(build), f"{bare_dir}:{build}"
        seed = json.loads((EVENTS / "create_todo.json").read_text())
        seed_file = Path(tmp) / "seed.json"
        seed_file.write_text(json.dumps(seed))
        # 20 to-dos for the event's user, so GET /todos returns a realistic page.
        seed_args = [path_ours, "app.handlers.api.handler", str(seed_file), "20", "0"]
        run_child(CHILD.replace("== 200", "== 201"), seed_args, env)
        pairs = {
            "GET /health": (
                (path_ours, "app.handlers.api.handler", "health.json"),
                (path_bare, "bare_handlers.health", "health.json"),
            ),
            "GET /todos (20 items, DynamoDB Query)": (
                (path_ours, "app.handlers.api.handler", "list_todos.json"),
                (path_bare, "bare_handlers.list_todos", "list_todos.json"),
            ),
        }
        print(f"Warm invocations, {CALLS} calls after {WARMUP} warm-up, microseconds")
        columns = ("ours p50", "ours p99", "bare p50", "bare p99", "p50 x", "p99 x")
        print(f"{'':40} " + " ".join(f"{c:>9}" for c in columns))
        for label, (ours, bare) in pairs.items():
            results = []
            for path, handler, event in (ours, bare):
                args = [path, handler, str(EVENTS / event), str(CALLS), str(WARMUP)]
                timings = run_child(CHILD, args, env)["us"]
                results.append((median(timings), percentile(timings, 99)))
            (o50, o99), (b50, b99) = results
            values = (o50, o99, b50, b99, o50 / b50, o99 / b99)
            print(
                f"{label:40} "
                + " ".join(f"{v:9.2f}" if i > 3 else f"{v:9.0f}" for i, v in enumerate(values))
            )
        print("target: <= 3x a bare handler doing the same work (the GET /todos row).")
        print("GET /health shows the fixed cost per call of Mangum + FastAPI + middleware.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
