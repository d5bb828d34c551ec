"""The pre-traffic hook (template.yaml's inline code) reports Succeeded only when the new version
answers GET /health with 200; a 5xx, a crashed invocation or an error invoking it stops the
deployment. Run here on fake Lambda and CodeDeploy clients."""

from __future__ import annotations

import io
import json
import sys
import types
from collections.abc import Callable
from typing import Any

import pytest

from app.devstack.provisioning.intrinsics import load_template
from tests.templates import TEMPLATE

VERSION = "arn:aws:lambda:us-east-1:123456789012:function:serverless-reference-prod-todos:42"
EVENT = {"DeploymentId": "d-ABC123", "LifecycleEventHookExecutionId": "hook-execution-1"}


class FakeClients:
    """boto3.client("lambda") and boto3.client("codedeploy") as the hook uses them."""

    def __init__(self, answer: Callable[[str, dict[str, Any]], dict[str, Any]]) -> None:
        self.answer = answer
        self.invoked: list[tuple[str, dict[str, Any]]] = []
        self.reported: list[dict[str, str]] = []

    def client(self, service: str) -> Any:
        return types.SimpleNamespace(
            invoke=self._invoke, put_lifecycle_event_hook_execution_status=self._report
        )

    def _invoke(self, FunctionName: str, Payload: bytes) -> dict[str, Any]:  # noqa: N803
        event = json.loads(Payload)
        self.invoked.append((FunctionName, event))
        return self.answer(FunctionName, event)

    def _report(self, **kwargs: str) -> None:
        self.reported.append(kwargs)


def hook_module(monkeypatch: pytest.MonkeyPatch, fakes: FakeClients) -> types.ModuleType:
    """The hook's inline code, imported as Lambda would, with boto3 answered by `fakes`."""
    code = load_template(TEMPLATE)["Resources"]["PreTrafficHealthCheckFunction"]["Properties"]
    monkeypatch.setitem(sys.modules, "boto3", types.SimpleNamespace(client=fakes.client))
    monkeypatch.setenv("TARGET_VERSION", VERSION)
    module = types.ModuleType("pre_traffic_hook")
    exec(compile(code["InlineCode"], "index.py", "exec"), module.__dict__)  # noqa: S102
    return module


def answering(payload: dict[str, Any], error: str | None = None) -> Any:
    def answer(_name: str, _event: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = {
            "StatusCode": 200,
            "Payload": io.BytesIO(json.dumps(payload).encode()),
        }
        if error:
            response["FunctionError"] = error
        return response

    return answer


def test_a_healthy_new_version_lets_traffic_move(monkeypatch: pytest.MonkeyPatch) -> None:
    fakes = FakeClients(answering({"statusCode": 200, "body": '{"status":"ok"}'}))
    assert hook_module(monkeypatch, fakes).handler(EVENT, None) == "Succeeded"
    ((name, event),) = fakes.invoked
    assert name == VERSION  # the new version itself, not the alias still on the old one
    assert (event["httpMethod"], event["path"], event["resource"]) == ("GET", "/health", "/health")
    assert fakes.reported == [
        {"deploymentId": "d-ABC123", "lifecycleEventHookExecutionId": "hook-execution-1",
         "status": "Succeeded"}
    ]  # fmt: skip


@pytest.mark.parametrize(
    "answer",
    [
        answering({"statusCode": 503, "body": "{}"}),
        answering({"errorMessage": "boom", "errorType": "ImportError"}, error="Unhandled"),
    ],
    ids=["unhealthy", "crashed"],
)
def test_an_unhealthy_or_crashing_version_stops_the_deployment(
    monkeypatch: pytest.MonkeyPatch, answer: Any
) -> None:
    fakes = FakeClients(answer)
    assert hook_module(monkeypatch, fakes).handler(EVENT, None) == "Failed"
    assert [r["status"] for r in fakes.reported] == ["Failed"]


def test_a_failure_to_invoke_is_reported_as_failed_not_left_hanging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unreported hook would leave CodeDeploy waiting for its hour-long timeout."""

    def refuse(_name: str, _event: dict[str, Any]) -> dict[str, Any]:
        raise PermissionError("AccessDeniedException")

    fakes = FakeClients(refuse)
    assert hook_module(monkeypatch, fakes).handler(EVENT, None) == "Failed"
    assert [r["status"] for r in fakes.reported] == ["Failed"]
