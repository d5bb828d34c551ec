"""Functions run as Lambda runs them, behind the local gateway, from a small template of their own
(tests/gateway_functions): cold then warm, more environments under concurrency, a crash or a
timeout answered by the gateway without taking anything down, binary bodies, hot reload."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.devstack.console import Console
from app.devstack.functions.reload import SourceWatcher
from app.devstack.functions.service import LocalLambda
from app.devstack.gateway.app import LocalApiGateway
from app.devstack.gateway.spec import build_api_spec
from app.devstack.ports import free_port
from app.devstack.provisioning.intrinsics import load_template
from app.devstack.provisioning.provision import Provisioner
from app.devstack.provisioning.serverless import API_ENDPOINT
from app.devstack.serving import serving_in_thread
from tests.conftest import REPO_ROOT

FUNCTIONS = REPO_ROOT / "tests" / "gateway_functions"


@dataclass(frozen=True)
class Mini:
    """A project of its own: template, functions, their workers, the gateway in front."""

    project: Path
    functions: LocalLambda
    console: Console
    http: httpx.Client

    def log(self, function: str) -> str:
        """A function's log file (its CloudWatch log group, locally)."""
        return (self.project / "logs" / f"{function}.log").read_text()


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mini]:
    project = tmp_path_factory.mktemp("mini")
    shutil.copy(FUNCTIONS / "template.yaml", project / "template.yaml")
    shutil.copytree(FUNCTIONS, project / "functions", ignore=shutil.ignore_patterns("*.yaml"))
    port = free_port()
    # Functions and an API only: nothing is created in an emulator (none runs here).
    provisioned = Provisioner(
        load_template(project / "template.yaml"),
        "http://127.0.0.1:9",
        "us-east-1",
        "mini",
        local_urls={API_ENDPOINT: f"http://127.0.0.1:{port}"},
    ).provision({}, progress=lambda _m: None)
    console = Console(quiet=True)
    functions = LocalLambda(
        provisioned.functions,
        project=project,
        build=None,
        logs=project / "logs",
        local_environment=lambda _spec: {"AWS_REGION": "us-east-1"},
        report=console.invocation,
    )
    gateway = LocalApiGateway(
        build_api_spec(provisioned, "Api"),
        functions.invoke,
        None,
        domain_name=f"127.0.0.1:{port}",
        log=console.request,
    )
    try:
        with (
            serving_in_thread(gateway, port) as url,
            httpx.Client(base_url=f"{url}/v1/", timeout=30) as http,
        ):
            yield Mini(project, functions, console, http)
    finally:
        gateway.close()
        functions.stop()


def test_first_request_is_a_cold_start_and_the_next_ones_are_warm(mini: Mini) -> None:
    pool = mini.functions.pools["EchoFunction"]
    first = mini.http.get("/echo/one").json()
    second = mini.http.get("/echo/two").json()
    assert first["pid"] == second["pid"]  # the same environment, reused
    assert (pool.cold_starts, pool.invocations) == (1, 2)
    # One console line per request, naming the function and, the first time, its cold start.
    first_line, second_line = [line for line in mini.console.lines if "/echo/" in line]
    assert first_line.split()[1:4] == ["GET", "/v1/echo/one", "200"]
    assert "EchoFunction, cold start " in first_line
    assert second_line.split()[1:4] == ["GET", "/v1/echo/two", "200"]
    assert second_line.endswith("  EchoFunction")
    # Its own template environment (the function's variable over Globals'), its own limits.
    assert first["marker"] == "echo"
    assert first["memory"] == 256
    assert 0 < first["remaining_ms"] <= 5000
    assert first["path"] == "/echo/one"
    log = mini.log("EchoFunction")  # Lambda's own lines, as in CloudWatch
    assert log.count("START RequestId:") == 2
    assert log.count("REPORT RequestId:") == 2
    assert log.count("Init Duration:") == 1
    assert "Memory Size: 256 MB" in log


def test_concurrent_requests_get_environments_of_their_own(mini: Mini) -> None:
    pool = mini.functions.pools["PatientFunction"]
    with ThreadPoolExecutor(max_workers=3) as crowd:
        responses = list(
            crowd.map(
                lambda _: mini.http.get("/integration-timeout", params={"seconds": "0.5"}), range(3)
            )
        )
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert pool.cold_starts == 3  # one request at a time per environment
    assert pool.environments == 3


def test_a_crash_is_a_502_and_the_function_comes_back(mini: Mini) -> None:
    crashed = mini.http.get("/crash")
    assert crashed.status_code == 502
    assert crashed.json() == {"message": "Internal server error"}  # API Gateway's own default
    assert "Runtime.ExitError" in mini.log("CrashFunction")
    assert mini.http.get("/echo/still-up").status_code == 200  # nothing else went down
    assert mini.http.get("/crash").status_code == 502  # a new environment, crashing again
    told = [line for line in mini.console.lines if "/v1/crash " in line]
    assert len(told) == 2
    assert all(" 502 " in line and "CrashFunction" in line and "crashed: " in line for line in told)


def test_a_function_that_passes_its_timeout_is_stopped_and_a_502(mini: Mini) -> None:
    started = time.monotonic()
    response = mini.http.get("/slow", params={"seconds": "4"})
    elapsed = time.monotonic() - started
    assert response.status_code == 502  # a Lambda timeout is a function error to API Gateway
    assert 0.9 < elapsed < 3.5  # its Timeout is 1 s
    assert "Status: timeout" in mini.log("SlowFunction")
    told = mini.console.lines[-1]
    assert " 502 " in told
    assert "SlowFunction, " in told
    assert told.endswith("timed out after 1 s (see its log)")
    assert mini.functions.pools["SlowFunction"].environments == 0  # discarded, as Lambda does


def test_an_integration_that_passes_the_gateways_timeout_is_a_504(mini: Mini) -> None:
    started = time.monotonic()
    response = mini.http.get("/integration-timeout", params={"seconds": "3"})
    assert time.monotonic() - started < 2.5  # TimeoutInMillis: 1000; the function has 5 s
    assert response.status_code == 504
    assert response.json() == {
        "message": "Endpoint request timed out",
        "type": "INTEGRATION_TIMEOUT",
    }  # the template's gateway response


def test_a_malformed_response_is_a_502(mini: Mini) -> None:
    response = mini.http.get("/malformed")
    assert response.status_code == 502
    assert "malformed Lambda proxy response" in "\n".join(mini.console.lines)


def test_an_init_failure_is_a_502_with_the_error_in_the_log(mini: Mini) -> None:
    assert mini.http.get("/broken").status_code == 502
    log = mini.log("BrokenFunction")
    assert "this function cannot start" in log


def test_binary_bodies_follow_the_apis_binary_media_types(mini: Mini) -> None:
    png = mini.http.get("/image", headers={"Accept": "image/png"})
    assert png.content == b"\x89PNG\r\n\x1a\nbinary"
    # A client that does not accept a binary type gets the base64 text, as from API Gateway.
    text = mini.http.get("/image", headers={"Accept": "application/json"})
    assert text.content == b"iVBORw0KGgpiaW5hcnk="
    sent = mini.http.post(
        "/echo/upload", content=b"\x00\xff", headers={"Content-Type": "application/octet-stream"}
    ).json()
    assert sent["binary"] is True
    assert sent["body"] == "AP8="
    as_text = mini.http.post("/echo/note", content=b"hello", headers={"Content-Type": "text/plain"})
    assert (as_text.json()["binary"], as_text.json()["body"]) == (False, "hello")


def test_saving_a_file_restarts_only_the_workers_that_ran_it(mini: Mini) -> None:
    before = mini.http.get("/echo/reload").json()
    image_pid = mini.http.get("/image").headers["x-pid"]
    watcher = SourceWatcher(mini.project / "functions", mini.functions.source_changed)
    handlers = mini.project / "functions" / "handlers.py"
    time.sleep(0.05)  # a later modification time than the copy's
    handlers.write_text(handlers.read_text().replace('VERSION = "one"', 'VERSION = "two"'))
    changed = watcher.poll()
    assert changed == {handlers}
    after = mini.http.get("/echo/reload").json()
    assert after["version"] == "two"
    assert after["pid"] != before["pid"]  # a cold start, with the new code
    assert mini.http.get("/image").headers["x-pid"] == image_pid  # did not import handlers.py
