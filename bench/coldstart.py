"""Cold start beside the peers: fresh process -> first `GET /todos` response, one interleaved run.

Every variant is packaged like Lambda (only its own dependencies, unchecked-hash `.pyc`), runs
in a bare interpreter (`-S -I`: no site-packages) and makes the same DynamoDB Query against the
emulator, for the same user, whose table holds a few to-dos. Ours is the `sam build` artifact;
each peer is installed from its dependency group in uv.lock (`peer-*` in pyproject.toml), once,
under .tools/bench-peers. Rounds alternate the variants, so load on the machine hits all alike:
read the ratios, not the absolute numbers. After its first response each process also answers
warm calls: p50/p99 per call.

    python -m bench.coldstart [ROUNDS]       # default 25
"""

from __future__ import annotations

import compileall
import hashlib
import os
import py_compile
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import EVENTS, ROOT, local_aws, median, percentile, require_build, run_child

ROUNDS, WARM_CALLS = 25, 100
PEERS = ROOT / ".tools" / "bench-peers"
UV = ROOT / ".tools" / "uv" / "bin" / "uv"
USER = "6f1c2a8e-0d4b-4c1e-9b7a-1c2d3e4f5a6b"  # the recorded event's caller
RECORDED_CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"  # the recorded event's token audience
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
    function_version = "1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:api"
    memory_limit_in_mb = 1024
    def get_remaining_time_in_millis(self):
        return 10000

with open(sys.argv[3]) as f:
    event = json.load(f)
response = module.handler(event, Context())
answered = time.perf_counter()
warm = []
for _ in range(int(sys.argv[4])):
    before = time.perf_counter()
    module.handler(event, Context())
    warm.append((time.perf_counter() - before) * 1e6)
warm.sort()
print(json.dumps({
    "status": response["statusCode"],
    "body": response["body"],
    "init_ms": (imported - started) * 1000,
    "first_response_ms": (answered - started) * 1000,
    "warm_p50_us": warm[len(warm) // 2],
    "warm_p99_us": warm[min(len(warm) - 1, int(len(warm) * 0.99))],
}))
"""


@dataclass(frozen=True)
class Variant:
    """One stack to start: where its package is and which module holds `handler`."""

    name: str
    folder: Path
    module: str


def package_peer(name: str, group: str, *, runtime_only: str = "") -> Path:
    """The peer's Lambda-like package: its group's locked requirements, its module, bytecode.

    `runtime_only` names a framework installed without its dependencies and cut down to its
    runtime module, as that framework's own packager deploys it (Chalice: `chalice/app.py`).
    """
    source = ROOT / "bench" / "peers" / f"{name}.py"
    requirements = _export(group)
    key = hashlib.sha256((requirements + source.read_text() + runtime_only).encode()).hexdigest()
    folder = PEERS / f"{name}-{key[:12]}"
    if folder.exists():
        return folder
    building = folder.with_suffix(".partial")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    (building / "requirements.txt").write_text(requirements)
    _install(building, "-r", str(building / "requirements.txt"))
    if runtime_only:
        _install(building, "--no-deps", runtime_only)
        package = building / runtime_only.split("==", maxsplit=1)[0]
        for path in package.iterdir():
            if path.name not in ("__init__.py", "app.py"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.copy(source, building / source.name)
    for cache in building.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    compileall.compile_dir(
        building,
        quiet=1,
        workers=0,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    building.rename(folder)
    return folder


def _export(group: str) -> str:
    command = [str(UV), "export", "--frozen", "--quiet", "--only-group", group, "--no-hashes"]
    command += ["--no-emit-project", "--no-header", "--format", "requirements-txt"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def _install(target: Path, *args: str) -> None:
    command = [str(UV), "pip", "install", "--quiet", "--python", sys.executable]
    subprocess.run([*command, "--target", str(target), *args], cwd=ROOT, check=True)


def locked_version(package: str) -> str:
    """`package==version` as uv.lock pins it."""
    import tomllib

    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    (version,) = [p["version"] for p in lock["package"] if p["name"] == package]
    return f"{package}=={version}"


def size_mb(folder: Path) -> float:
    """Unzipped size of a package, as Lambda unpacks it."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def seed_todos(env: dict[str, str], count: int = 10) -> None:
    """A few to-dos for the recorded caller, written through our own service."""
    from app.bootstrap import build_container
    from app.domain.todos import NewTodo
    from app.settings import Settings

    os.environ.update(env)  # the SDKs read credentials and endpoints from the environment
    todos = build_container(Settings.model_validate(env)).todos
    assert todos is not None
    for n in range(count):
        todos.create(USER, NewTodo(title=f"to-do {n}", notes="", done=False, due_date=None))


def variants() -> list[Variant]:
    """Ours first (the ratios' numerator), then the peers."""
    build = require_build().parent
    chalice = locked_version("chalice")
    return [
        Variant(
            "ours: TodosFunction (FastAPI+Mangum+PynamoDB)",
            build / "TodosFunction",
            "app.handlers.api",
        ),
        Variant(
            "naive FastAPI + Mangum(app) + PynamoDB",
            package_peer("naive_fastapi", "peer-naive"),
            "naive_fastapi",
        ),
        Variant(
            "Powertools resolver, validation on",
            package_peer("powertools_resolver", "peer-powertools"),
            "powertools_resolver",
        ),
        Variant(
            "Chalice + boto3 client",
            package_peer("chalice_app", "peer-bare", runtime_only=chalice),
            "chalice_app",
        ),
        Variant(
            "bare handler + boto3 client", package_peer("bare_boto3", "peer-bare"), "bare_boto3"
        ),
    ]


def measure(subjects: list[Variant], rounds: int) -> dict[str, list[dict[str, Any]]]:
    """Fresh processes, variants alternating within each round."""
    event = EVENTS / "list_todos.json"
    samples: dict[str, list[dict[str, Any]]] = {v.name: [] for v in subjects}
    with local_aws() as env:
        env["USER_POOL_CLIENT_ID"] = RECORDED_CLIENT_ID
        seed_todos(env)
        for _ in range(rounds):
            for variant in subjects:
                args = [str(variant.folder), variant.module, str(event), str(WARM_CALLS)]
                result = run_child(CHILD, args, env)
                if result["status"] != 200 or '"to-do' not in result["body"]:
                    raise RuntimeError(f"{variant.name}: {result['status']} {result['body'][:300]}")
                samples[variant.name].append(result)
    return samples


def report(subjects: list[Variant], samples: dict[str, list[dict[str, Any]]], rounds: int) -> None:
    """The side-by-side table: medians, spread, ratio to ours, package size, warm latency."""
    ours = median([r["first_response_ms"] for r in samples[subjects[0].name]])
    print(
        f"Cold start, first GET /todos: {rounds} interleaved rounds"
        f" (python {sys.version.split()[0]})"
    )
    header = f"{'variant':48} {'first ms p50':>12} {'p25-p75':>13} {'init p50':>9} {'ours/it':>8}"
    print(header + f" {'package MB':>10} {'warm p50 us':>11} {'warm p99 us':>11}")
    for variant in subjects:
        runs = samples[variant.name]
        first = [r["first_response_ms"] for r in runs]
        spread = f"{percentile(first, 25):.0f}-{percentile(first, 75):.0f}"
        print(
            f"{variant.name:48} {median(first):12.0f} {spread:>13} "
            f"{median([r['init_ms'] for r in runs]):9.0f} {ours / median(first):8.2f} "
            f"{size_mb(variant.folder):10.1f} {median([r['warm_p50_us'] for r in runs]):11.0f} "
            f"{median([r['warm_p99_us'] for r in runs]):11.0f}"
        )
    naive = median([r["first_response_ms"] for r in samples[subjects[1].name]])
    print(f"ours / naive FastAPI: {ours / naive:.2f}x  (target <= 1.0x, stretch 0.8x)")


def main() -> int:
    """Package the peers, measure, print."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    subjects = variants()
    report(subjects, measure(subjects, rounds), rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
