"""The `sam build` artifact imports and answers on its own, and carries valid bytecode.

A wrong `Handler` or `CodeUri` still builds "successfully": only invoking the built code catches it.
The artifact is imported by a bare interpreter (`-S -I`: no site-packages), so a dependency missing
from src/requirements.txt fails here rather than on Lambda.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from app.devstack.provisioning.intrinsics import load_template
from tests.conftest import EVENTS, REPO_ROOT, LocalAws

BUILD = REPO_ROOT / ".aws-sam" / "build"

INVOKE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
module_name, _, function = sys.argv[2].rpartition(".")
handler = getattr(__import__(module_name, fromlist=[function]), function)

class Context:
    aws_request_id = "built-artifact-test"
    function_name = "api"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:api"
    memory_limit_in_mb = 1024
    def get_remaining_time_in_millis(self):
        return 10000

results = {}
for path in sys.argv[3:]:
    with open(path) as f:
        results[path] = handler(json.load(f), Context())["statusCode"]
import sysconfig
allowed = (sys.argv[1], sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
outside = sorted(
    name for name, m in sys.modules.items()
    if getattr(m, "__file__", None) and not m.__file__.startswith(allowed)
)
print(json.dumps({"status": results, "outside": outside}))
"""


@pytest.fixture(scope="module")
def built_function() -> tuple[Path, str]:
    """The built TodosFunction folder and handler, as the built template names them."""
    template = BUILD / "template.yaml"
    assert template.exists(), "no sam build output: run `make build` (make test does)"
    function = load_template(template)["Resources"]["TodosFunction"]["Properties"]
    return BUILD / function["CodeUri"], function["Handler"]


def test_built_handler_answers_recorded_events(
    built_function: tuple[Path, str], local_aws: LocalAws
) -> None:
    folder, handler = built_function
    events = [EVENTS / "api" / f"{name}.json" for name in ("health", "list_todos", "create_todo")]
    # The recorded events' tokens were issued to this app client (their claims' `aud`).
    env = local_aws.environment("TodosFunction", USER_POOL_CLIENT_ID="3n4b5urk1ft4fl3mg5e62d9ado")
    result = subprocess.run(
        [sys.executable, "-S", "-I", "-c", INVOKE, str(folder), handler, *map(str, events)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(report["status"].values()) == [200, 200, 201]
    assert report["outside"] == []


def test_artifact_has_dependencies_but_not_the_local_stack(
    built_function: tuple[Path, str],
) -> None:
    folder, _ = built_function
    for package in (
        "fastapi",
        "mangum",
        "pynamodb",
        "pydantic_core",
        "aws_lambda_powertools",
        "amazondax",
    ):
        assert (folder / package).is_dir(), f"{package} missing from the artifact"
    assert not (folder / "app" / "devstack").exists()
    assert list(folder.glob("pydantic_core/_pydantic_core.cpython-313-x86_64-linux-gnu.so"))


def test_every_module_has_unchecked_hash_bytecode(built_function: tuple[Path, str]) -> None:
    folder, _ = built_function
    sources = [p for p in folder.rglob("*.py") if "__pycache__" not in p.parts]
    assert len(sources) > 500
    missing, checked = [], []
    for source in sources:
        pyc = source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.pyc"
        if not pyc.exists():
            missing.append(source)
            continue
        flags = int.from_bytes(pyc.read_bytes()[4:8], "little")
        if flags != 0b01:  # hash-based (bit 0) and not checked against the source (bit 1 clear)
            checked.append(pyc)
    assert not missing[:5]
    assert not checked[:5]


def test_bytecode_is_still_used_after_zipping(
    built_function: tuple[Path, str], tmp_path: Path, local_aws: LocalAws
) -> None:
    """Lambda unzips into a read-only folder; zip timestamps (2 s) must not make the .pyc stale."""
    folder, handler = built_function
    archive = tmp_path / "function.zip"
    app_files = [
        p
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).parts[0] in ("app", "mangum")
    ]
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in app_files:
            zf.write(path, path.relative_to(folder))
    unpacked = tmp_path / "task"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(unpacked)
    for path in unpacked.rglob("*"):
        path.chmod(0o555 if path.is_dir() else 0o444)
    module = handler.rpartition(".")[0]
    result = subprocess.run(
        [
            sys.executable,
            "-S",
            "-I",
            "-v",
            "-c",
            f"import sys; sys.path[:0] = [{str(unpacked)!r}, {str(folder)!r}]; import {module}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=local_aws.environment("TodosFunction"),  # its init reads its key ring
    )
    assert result.returncode == 0, result.stderr[-3000:]
    from_cache = [
        line
        for line in result.stderr.splitlines()
        if "code object from" in line and str(unpacked) in line
    ]
    recompiled = [
        line
        for line in result.stderr.splitlines()
        if str(unpacked) in line and ("bytecode is stale" in line or "could not create" in line)
    ]
    assert any("app/handlers/__pycache__/api" in line for line in from_cache)
    assert any("mangum/__pycache__/adapter" in line for line in from_cache)
    assert recompiled == []
    assert sysconfig.get_python_version() == "3.13"
