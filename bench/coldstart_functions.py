"""Cold start of every function that is not the to-dos API: fresh process -> handler imported
and its collaborators built (what Lambda's init phase runs), from the `sam build` artifact.

Each function starts in a bare interpreter with its own template environment against the
emulator, in interleaved rounds; printed with its package size. Pass another build folder to
compare two builds (e.g. before and after a change) in the same run.

    python -m bench.coldstart_functions [ROUNDS] [OTHER_BUILD_FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.coldstart import size_mb
from bench.harness import function_environments, median, percentile, require_build, run_child
from tests.contract.test_api_events import RECORDED_CLIENT_ID

ROUNDS = 10
CHILD = r"""
import time
started = time.perf_counter()
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
module_name, _, function = sys.argv[2].rpartition(".")
handler = getattr(importlib.import_module(module_name), function)
print(json.dumps({"init_ms": (time.perf_counter() - started) * 1000}))
"""


def handlers(build: Path) -> dict[str, str]:
    """Logical id -> handler, for every function of the build but the to-dos API."""
    from app.devstack.provisioning.intrinsics import load_template

    resources = load_template(build / "template.yaml")["Resources"]
    return {
        name: r["Properties"]["Handler"]
        for name, r in resources.items()
        if r["Type"] == "AWS::Serverless::Function"
        and "CodeUri" in r["Properties"]
        and name != "TodosFunction"
    }


def main() -> int:
    """Measure and print init p50 (p25-p75) per function, and per build when given two."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    builds = [require_build().parent, *(Path(a) for a in sys.argv[2:3])]
    functions = handlers(builds[0])
    samples: dict[tuple[str, int], list[float]] = {}
    with function_environments() as environments:
        for _ in range(rounds):
            for name, handler in functions.items():
                env = {**environments[name], "USER_POOL_CLIENT_ID": RECORDED_CLIENT_ID}
                for index, build in enumerate(builds):
                    result = run_child(CHILD, [str(build / name), handler], env)
                    samples.setdefault((name, index), []).append(result["init_ms"])
    print(f"Init (import + build) per function, {rounds} interleaved rounds, ms")
    print(f"{'function':28} {'build':>6} {'init p50':>9} {'p25-p75':>11} {'package MB':>11}")
    for (name, index), values in samples.items():
        label = ("this", "other")[index]
        spread = f"{percentile(values, 25):.0f}-{percentile(values, 75):.0f}"
        print(
            f"{name:28} {label:>6} {median(values):9.0f} {spread:>11} "
            f"{size_mb(builds[index] / name):11.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
