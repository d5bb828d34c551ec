"""Every recorded API Gateway event in events/api goes through the real Lambda handler.

The handler is imported as Lambda imports it (settings from the environment the template sets,
API Gateway authorizer mode), against the session's emulator.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from app.api.deps import API_BASE_URL_SCOPE_KEY
from app.devstack.provisioning.intrinsics import load_template
from tests.conftest import EVENTS, LocalAws
from tests.templates import TEMPLATE

EVENT_FILES = sorted((EVENTS / "api").glob("*.json"))

# What each recorded event must produce; a new event file without an entry fails the suite.
EXPECTED_STATUS = {
    "health": 200,
    "docs": 200,
    "openapi": 200,
    "list_todos": 200,
    "list_todos_done": 200,
    "list_todos_bad_limit": 422,
    "list_todos_without_claims": 401,
    "create_todo": 201,
    "create_todo_unknown_field": 422,
    "get_todo_missing": 404,
    "update_todo_missing": 404,
    "delete_todo_missing": 404,
    "list_photos_missing_post": 404,  # public (no authorizer); the blog has no such post
    "create_photo_upload_missing_post": 404,  # an author, but the blog has no such post
}


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that the handler and Powertools read."""

    aws_request_id: str = "5f1c4a32-1111-4b8e-9c6f-1d2e3f4a5b6c"
    function_name: str = "serverless-reference-test-api"
    function_version: str = "$LATEST"
    invoked_function_arn: str = (
        "arn:aws:lambda:us-east-1:123456789012:function:serverless-reference-test-api"
    )
    memory_limit_in_mb: int = 1024
    log_group_name: str = "/aws/lambda/serverless-reference-test-api"
    log_stream_name: str = "2026/11/24/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def load_event(name: str) -> dict[str, Any]:
    """One recorded event (powertools' `load_event` pattern)."""
    event: dict[str, Any] = json.loads((EVENTS / "api" / f"{name}.json").read_text())
    return event


# The app client the recorded events' ID tokens were issued to (their claims' `aud`).
RECORDED_CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"


@pytest.fixture(scope="module")
def handler_module(local_aws: LocalAws) -> ModuleType:
    """app.handlers.api imported as a function imports it: every service, the template's
    environment, the app client of the recorded tokens."""
    environment = local_aws.monolith_environment(USER_POOL_CLIENT_ID=RECORDED_CLIENT_ID)
    return local_aws.import_handler("app.handlers.api", environment)


@pytest.fixture(scope="module")
def invoke(handler_module: ModuleType) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def call(event: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = handler_module.handler(event, LambdaContext())
        return response

    return call


def test_every_event_file_has_an_expectation() -> None:
    assert {path.stem for path in EVENT_FILES} == set(EXPECTED_STATUS)


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_recorded_event(invoke: Callable[[dict[str, Any]], dict[str, Any]], path: Path) -> None:
    response = invoke(load_event(path.stem))
    status = response["statusCode"]
    assert status == EXPECTED_STATUS[path.stem], response.get("body")
    headers = {k.lower(): v for k, v in (response.get("multiValueHeaders") or {}).items()}
    headers |= {k.lower(): [v] for k, v in (response.get("headers") or {}).items()}
    if status >= 400:
        assert headers["content-type"] == ["application/problem+json"]
        problem = json.loads(response["body"])
        assert problem["status"] == status
        # The request id is Lambda's, so logs and the client's error can be matched.
        assert problem["request_id"] == LambdaContext.aws_request_id
    if status == 401:
        assert headers["www-authenticate"][0].startswith("Bearer")


def test_caller_comes_from_authorizer_claims(
    invoke: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    created = invoke(load_event("create_todo"))
    todo = json.loads(created["body"])
    event = load_event("get_todo_missing")
    event["path"] = f"/todos/{todo['id']}"
    event["pathParameters"] = {"todo_id": todo["id"]}
    assert invoke(event)["statusCode"] == 200
    other = load_event("get_todo_missing")
    other["path"] = f"/todos/{todo['id']}"
    other["pathParameters"] = {"todo_id": todo["id"]}
    other["requestContext"]["authorizer"]["claims"]["sub"] = "someone-else"
    assert invoke(other)["statusCode"] == 404


def test_a_token_of_another_app_client_is_refused(
    invoke: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    """API Gateway's Cognito authorizer accepts any app client of the pool; the app does not."""
    event = load_event("list_todos")
    event["requestContext"]["authorizer"]["claims"]["aud"] = "another-app-client"
    response = invoke(event)
    assert response["statusCode"] == 401
    assert "another client" in json.loads(response["body"])["detail"]


def test_stage_prefix_is_handled_for_docs_and_links(
    invoke: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    # The docs and the spec name URLs relative to themselves: right under the stage prefix here,
    # and under /api/ through the distribution, where requestContext.path still says /dev/...
    docs = invoke(load_event("docs"))
    assert "url: 'openapi.json'" in docs["body"]
    assert 'href="docs/assets/swagger-ui.css"' in docs["body"]
    spec = json.loads(invoke(load_event("openapi"))["body"])
    assert [server["url"] for server in spec["servers"]] == ["."]
    created = invoke(load_event("create_todo"))
    location = (created.get("headers") or {}).get("location") or created["multiValueHeaders"][
        "location"
    ][0]
    todo_id = json.loads(created["body"])["id"]
    assert location == f"https://1234567890.execute-api.us-east-1.amazonaws.com/dev/todos/{todo_id}"


def test_logs_are_structured_with_the_request_id_and_no_token(
    invoke: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    event = load_event("list_todos")
    token = event["headers"]["Authorization"].removeprefix("Bearer ")
    sink = io.StringIO()
    handlers = [
        h for h in logging.getLogger("app").handlers if isinstance(h, logging.StreamHandler)
    ]
    assert handlers, "the access logger has no Powertools handler"
    previous = [h.setStream(sink) for h in handlers]
    try:
        invoke(event)
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)
    output = sink.getvalue()
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    access = [r for r in records if r.get("message") == "request"]
    assert len(access) == 1
    assert access[0]["request_id"] == LambdaContext.aws_request_id
    assert access[0]["path"] == "/dev/todos"
    assert access[0]["status"] == 200
    assert access[0]["function_request_id"] == LambdaContext.aws_request_id
    assert token not in output
    assert "Authorization" not in output


def test_sibling_services_are_reached_through_api_gateways_own_domain(
    handler_module: ModuleType,
) -> None:
    """The base URL the photos service calls the blog on comes from the request context (set by
    API Gateway), never from the Host header a caller controls."""
    seen: dict[str, Any] = {}

    async def capture(scope: Scope, receive: Receive, send: Send) -> None:
        seen.update(scope)

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        del message

    event = load_event("create_todo")
    event["headers"]["Host"] = "attacker.example"
    scope: Scope = {"type": "http", "path": "/todos", "aws.event": event}
    # Nothing in it suspends: one step runs it (asyncio.run would replace Mangum's loop).
    with pytest.raises(StopIteration):
        handler_module.ApiGatewayContext(capture)(scope, receive, send).send(None)
    assert seen[API_BASE_URL_SCOPE_KEY] == (
        "https://1234567890.execute-api.us-east-1.amazonaws.com/dev/"
    )


def test_the_pre_traffic_hooks_health_event_gets_200_from_the_real_handler(
    invoke: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    """The event the deploy-time hook sends the new version (template.yaml, inline) is one the
    app answers 200: a hook that always failed would block every deployment."""
    code = load_template(TEMPLATE)["Resources"]["PreTrafficHealthCheckFunction"]["Properties"]
    source = code["InlineCode"]
    start = source.index("HEALTH_EVENT = ")
    end = source.index("\n}\n", start) + 2
    namespace: dict[str, Any] = {}
    exec(source[start:end], {"None": None, "False": False}, namespace)  # noqa: S102
    response = invoke(namespace["HEALTH_EVENT"])
    assert response["statusCode"] == 200, response.get("body")
