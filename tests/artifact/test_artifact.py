"""The `sam build` artifact of every function imports and answers on its own, and carries valid
bytecode.

A wrong `Handler` or `CodeUri` still builds "successfully": only importing the built code catches
it, for every function (a check pinned to one function misses the same mistake one over). The
artifact is imported by a bare interpreter (`-S -I`: no site-packages), so a dependency missing
from the function's src/requirements/<LogicalId>.txt fails here rather than on Lambda.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any

import pytest

from app.devstack.provisioning.intrinsics import load_template
from tests.conftest import EVENTS, REPO_ROOT, LocalAws
from tests.contract.test_api_events import EXPECTED_STATUS, RECORDED_CLIENT_ID
from tests.templates import TEMPLATE
from tools.requirements import FOLDER as REQUIREMENTS

BUILD = REPO_ROOT / ".aws-sam" / "build"
# The to-dos function unzipped: its own dependencies only (it was ~100 MB with everyone's).
TODOS_MAX_MB = 50
FUNCTIONS = {
    name: "InlineCode" in resource["Properties"]
    for name, resource in load_template(TEMPLATE)["Resources"].items()
    if resource["Type"] == "AWS::Serverless::Function"
}
# Every service's app serves the platform routes: the event for a function no recorded route fits.
PLATFORM_EVENT = EVENTS / "api" / "health.json"

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
print(json.dumps({"callable": callable(handler), "status": results, "outside": outside}))
"""


@pytest.fixture(scope="module")
def built() -> dict[str, dict[str, Any]]:
    """Every function of the built template, by logical id: its Properties as built."""
    template = BUILD / "template.yaml"
    assert template.exists(), "no sam build output: run `make build` (make test does)"
    return {
        name: resource["Properties"]
        for name, resource in load_template(template)["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


@pytest.fixture(scope="module")
def built_function(built: dict[str, dict[str, Any]]) -> tuple[Path, str]:
    """The built TodosFunction folder and handler, as the built template names them."""
    function = built["TodosFunction"]
    return BUILD / function["CodeUri"], function["Handler"]


def built_folders(built: dict[str, dict[str, Any]]) -> list[Path]:
    """Each built function's code folder (inline code has none)."""
    return [BUILD / props["CodeUri"] for props in built.values() if "CodeUri" in props]


def fitting_events(function: dict[str, Any]) -> list[Path]:
    """The recorded API Gateway events routed to this function (by method and resource), else
    the platform route every service serves; none for a function without Api events."""
    routes = {
        (event["Properties"]["Method"].upper(), event["Properties"]["Path"])
        for event in function.get("Events", {}).values()
        if event["Type"] == "Api"
    }
    if not routes:
        return []
    fitting = [path for path in sorted((EVENTS / "api").glob("*.json")) if route(path) in routes]
    return fitting or [PLATFORM_EVENT]


def route(event: Path) -> tuple[str, str]:
    """The method and resource a recorded API Gateway event was routed by."""
    recorded = json.loads(event.read_text())
    return recorded["httpMethod"], recorded["resource"]


def handler_findings(
    folder: Path, handler: str, environment: dict[str, str], events: list[Path]
) -> list[str]:
    """What is wrong with a built handler: it does not import, is not callable, answers an event
    with another status than recorded, or imports from outside its artifact."""
    result = subprocess.run(
        [sys.executable, "-S", "-I", "-c", INVOKE, str(folder), handler, *map(str, events)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        return [f"{handler} from {folder.name} fails: {result.stderr.strip()[-600:]}"]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    findings = [] if report["callable"] else [f"{handler} is not callable"]
    for event, status in report["status"].items():
        expected = EXPECTED_STATUS[Path(event).stem]
        if status != expected:
            findings.append(f"{Path(event).stem}: {status}, recorded {expected}")
    return findings + [f"imported from outside the artifact: {name}" for name in report["outside"]]


def environment(local_aws: LocalAws, function: str) -> dict[str, str]:
    """The function's environment as the local stack gives it (template + Lambda + local). The
    recorded events' tokens were issued to another app client (their `aud`), and their
    execute-api domain is not this stack's: siblings are reached through the local gateway."""
    return local_aws.environment(
        function, USER_POOL_CLIENT_ID=RECORDED_CLIENT_ID, BLOG_API_URL=local_aws.api_url
    )


def test_the_build_holds_every_function_of_the_template(built: dict[str, dict[str, Any]]) -> None:
    assert sorted(built) == sorted(FUNCTIONS)


@pytest.mark.parametrize("name", sorted(name for name, inline in FUNCTIONS.items() if not inline))
def test_every_built_handler_imports_and_answers(
    name: str, built: dict[str, dict[str, Any]], local_aws: LocalAws
) -> None:
    function = built[name]
    events = fitting_events(function)
    assert bool(events) is any(e["Type"] == "Api" for e in function.get("Events", {}).values())
    folder = BUILD / function["CodeUri"]
    assert handler_findings(folder, function["Handler"], environment(local_aws, name), events) == []


@pytest.mark.parametrize(
    ("handler", "event", "finding"),
    [
        ("app.handlers.apii.handler", None, "No module named 'app.handlers.apii'"),
        ("app.handlers.api.handle", None, "has no attribute 'handle'"),
        ("app.handlers.api.API_BASE_URL_SCOPE_KEY", None, "is not callable"),
        # Another function's handler: it starts only with that function's settings.
        ("app.handlers.render_site.handler", None, "SITE_BUCKET"),
        # Callable, but not a Lambda handler: only answering an event shows it.
        ("app.handlers.api.make_handler", "health", "fails"),
        # The right handler, but not the service the event's route belongs to.
        ("app.handlers.api.handler", "list_todos", "list_todos: 404, recorded 200"),
    ],
)
def test_a_wrong_handler_on_the_posts_function_is_caught(
    handler: str,
    event: str | None,
    finding: str,
    built: dict[str, dict[str, Any]],
    local_aws: LocalAws,
) -> None:
    folder = BUILD / built["PostsFunction"]["CodeUri"]
    events = [EVENTS / "api" / f"{event}.json"] if event else []
    findings = handler_findings(folder, handler, environment(local_aws, "PostsFunction"), events)
    assert len(findings) == 1, findings
    assert finding in findings[0]


def test_a_function_missing_its_own_settings_fails_to_start(
    built: dict[str, dict[str, Any]], local_aws: LocalAws
) -> None:
    folder = BUILD / built["PostsFunction"]["CodeUri"]
    env = environment(local_aws, "PostsFunction")
    del env["POSTS_TABLE"]
    (finding,) = handler_findings(folder, "app.handlers.api.handler", env, [])
    assert "the blog service needs POSTS_TABLE" in finding


def test_inline_handlers_define_their_handler(
    built: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """Inline code runs as index.py beside the runtime's boto3 and, for CloudFormation custom
    resources, its cfnresponse module (AWS::Lambda::Function Code, ZipFile); stood in here."""
    inline = {name: props for name, props in built.items() if "InlineCode" in props}
    assert inline  # the cache invalidation guard
    (tmp_path / "cfnresponse.py").write_text('SUCCESS, FAILED = "SUCCESS", "FAILED"\n')
    for name, props in inline.items():
        module, _, function = props["Handler"].rpartition(".")
        assert module == "index", name
        (tmp_path / "index.py").write_text(props["InlineCode"])
        check = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import index; "
        check += f"assert callable(index.{function})"
        result = subprocess.run(
            [sys.executable, "-I", "-c", check], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, (name, result.stderr[-2000:])


def _distributions(folder: Path) -> set[str]:
    """The distributions installed in a built folder, by normalized name."""
    return {
        re.sub(r"[-_.]+", "-", p.name.split("-", 1)[0]).lower() for p in folder.glob("*.dist-info")
    }


def _locked(function: str) -> set[str]:
    """The distributions the function's exported requirement set names."""
    lines = (REQUIREMENTS / f"{function}.txt").read_text().splitlines()
    return {line.split("==")[0].lower() for line in lines if "==" in line}


def _models(function: str) -> set[str]:
    """The AWS service models the function's role lets it use (its file's botocore-data)."""
    text = (REQUIREMENTS / f"{function}.txt").read_text()
    (line,) = [line for line in text.splitlines() if line.startswith("# botocore-data:")]
    return set(line.split(":", 1)[1].split())


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def test_every_package_holds_its_own_dependencies_only(built: dict[str, dict[str, Any]]) -> None:
    """What a function does not import is not shipped: each folder holds exactly the locked
    group its Metadata names, and never the local stack."""
    for name, props in built.items():
        if "CodeUri" not in props:
            continue
        folder = BUILD / props["CodeUri"]
        assert _distributions(folder) == _locked(name), name
        models = {p.name for p in (folder / "botocore" / "data").iterdir() if p.is_dir()}
        assert models == _models(name), name
        assert not (folder / "app" / "devstack").exists()
        assert list(folder.glob("pydantic_core/_pydantic_core.cpython-313-x86_64-linux-gnu.so"))


def test_pillow_ships_with_the_thumbnail_function_only(built: dict[str, dict[str, Any]]) -> None:
    (thumbnails,) = [
        n for n, p in built.items() if p.get("Handler", "").endswith(".thumbnails.handler")
    ]
    with_pillow = {
        name
        for name, props in built.items()
        if "CodeUri" in props and (BUILD / props["CodeUri"] / "PIL").is_dir()
    }
    assert with_pillow == {thumbnails}


def test_the_todos_package_stays_small(built: dict[str, dict[str, Any]]) -> None:
    """Unzipped size: what Lambda downloads and unpacks before a cold start (limit 250 MB)."""
    folder = BUILD / built["TodosFunction"]["CodeUri"]
    assert _size_mb(folder) <= TODOS_MAX_MB
    assert not (folder / "markdown_it").exists()
    assert not (folder / "httpx").exists()


def test_every_module_has_unchecked_hash_bytecode(built: dict[str, dict[str, Any]]) -> None:
    for folder in built_folders(built):
        sources = [p for p in folder.rglob("*.py") if "__pycache__" not in p.parts]
        assert len(sources) > 500, folder.name
        missing, checked = [], []
        for source in sources:
            tag = sys.implementation.cache_tag
            pyc = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
            if not pyc.exists():
                missing.append(source)
                continue
            flags = int.from_bytes(pyc.read_bytes()[4:8], "little")
            if flags != 0b01:  # hash-based (bit 0), not checked against the source (bit 1 clear)
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
