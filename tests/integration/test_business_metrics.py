"""Business metrics through the local stack: the API functions count what was created, in
their own logs as EMF lines, which the console shows readable (CloudWatch's part on AWS)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import httpx
import pytest

from app.adapters.metrics import NAMESPACE, POSTS_PUBLISHED, TODOS_CREATED
from tests.conftest import LocalAws, SignedIn

pytestmark = pytest.mark.integration


def shown(local_aws: LocalAws, function: str, metric: str, before: int) -> list[str]:
    """Console lines of `function` showing `metric`, after the first `before` lines."""
    # `12:00:01  metric ServerlessReference/TodosCreated +1 Count from TodosFunction (service=...)`
    said = ["metric", f"{NAMESPACE}/{metric}", "+1", "Count", "from", function]
    return [
        line
        for line in local_aws.stack.console.lines[before:]
        if line.split()[1:7] == said and line.split()[7].startswith("(service=")
    ]


def wait_for(condition: Callable[[], list[str]], seconds: float = 10) -> list[str]:
    deadline = time.monotonic() + seconds
    while not (found := condition()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def settled(local_aws: LocalAws, quiet: float = 1.0, seconds: float = 15) -> int:
    """The console's line count once no line came for `quiet` seconds: what earlier tests'
    invocations print arrives asynchronously, and must not be counted as this test's."""
    deadline = time.monotonic() + seconds
    count = len(local_aws.stack.console.lines)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = len(local_aws.stack.console.lines)
        if now == count:
            break
        count = now
    return count


def test_a_created_todo_and_a_published_post_are_counted_once(
    local_aws: LocalAws, client: httpx.Client, sign_up: Callable[..., SignedIn]
) -> None:
    author = sign_up(author=True)
    before = settled(local_aws)
    assert client.post("/todos", json={"title": "t"}, headers=author.headers).status_code == 201
    post = {"slug": f"post-{secrets.token_hex(4)}", "title": "A post", "body": "Hello."}
    assert client.post("/posts", json=post, headers=author.headers).status_code == 201
    assert len(wait_for(lambda: shown(local_aws, "TodosFunction", TODOS_CREATED, before))) == 1
    assert len(wait_for(lambda: shown(local_aws, "PostsFunction", POSTS_PUBLISHED, before))) == 1
    # A refused create is not a created to-do.
    refused = client.post("/todos", json={"title": ""}, headers=author.headers)
    assert refused.status_code == 422
    time.sleep(1)
    assert len(shown(local_aws, "TodosFunction", TODOS_CREATED, before)) == 1
