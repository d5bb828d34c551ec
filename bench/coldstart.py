"""Cold start: fresh process -> first `GET /todos` response, ours vs plain FastAPI + Mangum.

Both run from the `sam build` artifact's packages in a bare interpreter (no site-packages), with
unchecked-hash bytecode, alternating, in the same run. Ours includes its real AWS clients and a
real DynamoDB query against the emulator; the baseline has the same routes and no AWS libraries.
"""

from __future__ import annotations

import compileall
import py_compile
import shutil
import sys
import tempfile
from pathlib import Path

from bench.harness import EVENTS, ROOT, local_aws, median, percentile, require_build, run_child

RUNS = 15
UNCHECKED_HASH = py_compile.PycInvalidationMode.UNCHECKED_HASH
CHILD = r"""
import time
started = time.perf_counter()
import importlib, json, sys
sys.path[:0] = sys.argv[1].split(":")
module = importlib.import_module(sys.argv[2])
imported = time.perf_counter()

class Context:
    aws_request_id = "cold-start"
    function_name = "api"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:api"
    memory_limit_in_mb = 1024
    def get_remaining_time_in_millis(self):
        return 10000

with open(sys.argv[3]) as f:
    event = json.load(f)
response = module.handler(event, Context())
answered = time.perf_counter()
print(json.dumps({
    "status": response["statusCode"],
    "init_ms": (imported - started) * 1000,
    "first_response_ms": (answered - started) * 1000,
}))
"""


def main() -> int:
    """Measure and print medians, p90 and the ratio to the baseline."""
    build = require_build()
    event = EVENTS / "list_todos.json"
    with tempfile.TemporaryDirectory() as tmp, local_aws() as env:
        baseline_dir = Path(tmp) / "baseline"
        baseline_dir.mkdir()
        shutil.copy(ROOT / "bench" / "baseline_app.py", baseline_dir / "baseline_app.py")
        compileall.compile_dir(baseline_dir, quiet=1, invalidation_mode=UNCHECKED_HASH)
        subjects = {
            "ours (FastAPI+Mangum+PynamoDB, real query)": (str(build), "app.handlers.api"),
            "baseline (FastAPI+Mangum, no AWS libs)": (f"{baseline_dir}:{build}", "baseline_app"),
        }
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in subjects}
        for _ in range(RUNS):
            for name, (path, module) in subjects.items():
                result = run_child(CHILD, [path, module, str(event)], env)
                if result["status"] != 200:
                    raise RuntimeError(f"{name}: status {result['status']}")
                samples[name].append(result)
    print(f"Cold start, {RUNS} fresh processes each (python {sys.version.split()[0]}), ms")
    print(f"{'':46} {'init p50':>9} {'first p50':>10} {'first p90':>10}")
    firsts: dict[str, float] = {}
    for name, runs in samples.items():
        init = median([r["init_ms"] for r in runs])
        first = [r["first_response_ms"] for r in runs]
        firsts[name] = median(first)
        print(f"{name:46} {init:9.1f} {median(first):10.1f} {percentile(first, 90):10.1f}")
    ours, baseline = firsts.values()
    print(f"ratio ours/baseline (first response p50): {ours / baseline:.2f}x  (target <= 1.0x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
