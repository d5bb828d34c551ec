"""A fuzzed contract: schemathesis against `make run`'s stack and its own OpenAPI spec.

Authenticated as an author, so private and author-only operations are exercised too; half the
path parameters are hostile (fuzz_hooks.py). Fails on
any server error, response that breaks the spec (schema, status code, content type, headers),
schema-violating input that is accepted, or fewer requests than the floor.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.devstack.cognito.users import sign_in
from tests.conftest import REPO_ROOT, TEST_PASSWORD
from tests.e2e.running import local_stack

pytestmark = pytest.mark.e2e
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
)
MIN_REQUESTS = 5000
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))  # per operation and phase
SEED = os.environ.get("FUZZ_SEED", "20261127")  # fixed: CI runs are repeatable; vary it locally
REPORTS = REPO_ROOT / "test-artifacts" / "fuzz"


def test_fuzzed_contract_has_no_failures(tmp_path: Path) -> None:
    state = tmp_path / "devstack"
    with local_stack(state, "--no-persist") as (outputs, _):
        token = sign_in(outputs, "fuzz@example.com", TEST_PASSWORD, ("authors",))["IdToken"]
        api_log = state.parent / f"run-{urlsplit(outputs['ApiUrl']).port}.log"
        served_before = _served(api_log)
        REPORTS.mkdir(parents=True, exist_ok=True)
        for old in REPORTS.glob("*.json"):
            old.unlink()
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                "--config-file",
                str(Path(__file__).with_name("schemathesis.toml")),
                "run",
                f"{outputs['ApiUrl']}openapi.json",
                "--url",  # the spec's server is "." (relative to itself): name the stage outright
                outputs["ApiUrl"].rstrip("/"),
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                ",".join(CHECKS),
                "--max-examples",
                str(EXAMPLES),
                "--seed",
                SEED,
                "--workers",
                "2",
                "--request-timeout",
                "10",
                "--report",
                "json,har",
                "--report-json-path",
                str(REPORTS / "report.json"),
                "--report-har-path",
                str(REPORTS / "requests.har.json"),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            # Hostile path parameters (tests/e2e/fuzz_hooks.py), importable from the repo root.
            env={
                **os.environ,
                "SCHEMATHESIS_HOOKS": "tests.e2e.fuzz_hooks",
                "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "src")]),
            },
            check=False,
        )
        served = _served(api_log) - served_before
    (REPORTS / "output.txt").write_text(result.stdout + result.stderr, encoding="utf-8")
    report = json.loads((REPORTS / "report.json").read_text(encoding="utf-8"))
    sent = len(json.loads((REPORTS / "requests.har.json").read_text())["log"]["entries"])
    summary = {
        "requests_sent": sent,
        "requests_served": served,
        "test_cases": report["test_cases"]["generated"],
        "operations": report["operations"]["tested"],
        "failures": [(f["code"], f["title"], f["operations"]) for f in report["failures"]],
        "errors": report["errors"],
        "seed": report["seed"],
        "seconds": round(report["running_time"], 1),
    }
    (REPORTS / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    assert summary["failures"] == [], f"see {REPORTS / 'output.txt'}"
    assert not summary["errors"], f"see {REPORTS / 'output.txt'}"
    assert result.returncode == 0, result.stdout[-3000:]
    assert summary["operations"] == len(_operations())
    assert sent >= MIN_REQUESTS, summary
    assert served >= MIN_REQUESTS, summary  # counted by the gateway, not by the fuzzer


# `12:00:01  GET    /fuzz/todos   200   12 ms  TodosFunction`: a request's line starts with its
# method in capitals (an event's, a metric's with a kind in lower case).
REQUEST_LINE = re.compile(r"\d\d:\d\d:\d\d  [A-Z]+ +/")


def _served(log: Path) -> int:
    """Requests the local API Gateway answered (one console line each)."""
    if not log.exists():
        return 0
    with log.open(encoding="utf-8", errors="replace") as lines:
        return sum(1 for line in lines if REQUEST_LINE.match(line))


def _operations() -> list[tuple[str, str]]:
    spec = json.loads((REPO_ROOT / "clients" / "openapi.json").read_text(encoding="utf-8"))
    return [(method, path) for path, item in spec["paths"].items() for method in item]
