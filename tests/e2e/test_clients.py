"""The generated SDKs against `make run`'s stack, used as a client developer uses them."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Iterator

import httpx
import pytest
from serverless_reference_client import AuthenticatedClient, Client
from serverless_reference_client.api.blog import get_post
from serverless_reference_client.api.health import get_health
from serverless_reference_client.api.todos import (
    create_todo,
    delete_todo,
    get_todo,
    list_todos,
    update_todo,
)
from serverless_reference_client.models import Problem, TodoCreate, TodoList, TodoOut, TodoPatch

from app.devstack.cognito.users import sign_in
from tests.conftest import REPO_ROOT, TEST_PASSWORD
from tests.e2e.running import local_stack

pytestmark = pytest.mark.e2e
TS_FLOW = REPO_ROOT / "clients" / "typescript" / "dist" / "test" / "flow.js"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A `make run` stack (no persistence) and an author's ID token."""
    state = tmp_path_factory.mktemp("clients") / "devstack"
    with local_stack(state, "--no-persist") as (outputs, _):
        tokens = sign_in(outputs, "sdk-author@example.com", TEST_PASSWORD, ("authors",))
        yield {**outputs, "IdToken": tokens["IdToken"]}


def test_python_sdk_drives_a_whole_todo_flow(stack: dict[str, str]) -> None:
    api = AuthenticatedClient(base_url=stack["ApiUrl"], token=stack["IdToken"])
    anonymous = Client(base_url=stack["ApiUrl"])
    with api, anonymous:
        health = get_health.sync(client=anonymous)
        assert health is not None
        assert health.status == "ok"

        body = TodoCreate(title="Ship the SDK", due_date=dt.date(2026, 12, 24))
        created = create_todo.sync_detailed(client=api, body=body)
        assert created.status_code == 201
        todo = created.parsed
        assert isinstance(todo, TodoOut)
        assert (todo.title, todo.due_date, todo.done, todo.version) == (
            "Ship the SDK", dt.date(2026, 12, 24), False, 1,
        )  # fmt: skip
        etag = created.headers["etag"]

        unchanged = get_todo.sync_detailed(todo.id, client=api, if_none_match=etag)
        assert unchanged.status_code == 304

        done = update_todo.sync(todo.id, client=api, body=TodoPatch(done=True), if_match=etag)
        assert isinstance(done, TodoOut)
        assert (done.done, done.version) == (True, 2)

        stale = update_todo.sync(todo.id, client=api, body=TodoPatch(done=False), if_match=etag)
        assert isinstance(stale, Problem)
        assert stale.code == "precondition_failed"

        listed = list_todos.sync(client=api, done=True)
        assert isinstance(listed, TodoList)
        assert [t.id for t in listed.items] == [todo.id]

        assert delete_todo.sync_detailed(todo.id, client=api).status_code == 204
        gone = get_todo.sync(todo.id, client=api)
        assert isinstance(gone, Problem)
        assert (gone.status, gone.code) == (404, "not_found")

        missing_post = get_post.sync("no-such-post", client=anonymous)
        assert isinstance(missing_post, Problem)
        assert missing_post.code == "not_found"

    outsider = AuthenticatedClient(base_url=stack["ApiUrl"], token="not-a-token")
    with outsider:
        refused = list_todos.sync_detailed(client=outsider)
        assert refused.status_code == 401
        assert isinstance(refused.parsed, Problem)


def test_typescript_client_runs_its_flow_against_the_stack(stack: dict[str, str]) -> None:
    node = shutil.which("node")
    assert node, "node runs the compiled TypeScript client"
    assert TS_FLOW.exists(), "make clients-check compiles the TypeScript client"
    env = {**os.environ, "API_URL": stack["ApiUrl"], "TOKEN": stack["IdToken"]}
    result = subprocess.run(
        [node, str(TS_FLOW)], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {
        "health": "ok",
        "createdStatus": 201,
        "notModified": 304,
        "done": True,
        "version": 2,
        "stale": "precondition_failed",
        "listed": True,
        "deleted": 204,
        "anonymous": "401 unauthenticated",
        "postHtml": "<p>Written by the <strong>TypeScript</strong> client.</p>\n",
        "subscribed": "accepted",
    }


def test_committed_spec_is_what_the_running_stack_serves(stack: dict[str, str]) -> None:
    """Clients are generated from clients/openapi.json: the stack must serve exactly that."""
    served = httpx.get(f"{stack['ApiUrl']}openapi.json", timeout=10).json()
    committed = json.loads((REPO_ROOT / "clients" / "openapi.json").read_text())
    # Served under any prefix (the stage on execute-api, /api/ on the site), the spec names
    # itself as its server, relatively: the same document everywhere.
    assert served["servers"] == [{"url": ".", "description": "This API, beside its spec"}]
    assert served == committed
