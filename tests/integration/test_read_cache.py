"""Reads through the local DAX stand-in: few DynamoDB calls, read-your-writes, no leaks, and one
cache shared by every environment of the function, as a DAX cluster is.

TodosFunction runs in its own workers, as the stack runs it, against a local DAX with short TTLs
(its counters say what reached DynamoDB); requests come through a gateway for the template's API
with the stage cache off (it would answer repeated reads before the function).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import amazondax
import boto3
import httpx
import pytest

from app.adapters.clock import SystemClock
from app.adapters.dynamodb_transport import DaxTransport, dax_client_factory
from app.adapters.ids import UlidGenerator
from app.adapters.todos_dynamodb import DynamoTodoRepository, bind_todo_table
from app.devstack.dax.endpoint import LocalDax
from app.devstack.functions.service import LocalLambda
from app.devstack.ports import free_port
from app.devstack.serving import serving_in_thread
from app.domain.cursors import CursorCodec
from app.domain.signing import SigningKey, StaticKeyRing
from app.domain.todos import NewTodo, PageRequest, TodoChanges, TodoService
from tests.conftest import LocalAws, SignedIn

QUERY_TTL_MS = 1500


@dataclasses.dataclass(frozen=True)
class Cached:
    """Two environments' worth of TodosFunction (each its own workers) and their shared DAX."""

    http: httpx.Client  # through the first environment
    other: httpx.Client  # through the second
    dax: LocalDax


@pytest.fixture(scope="module")
def cached(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cached]:
    stack = local_aws.stack
    dax = LocalDax(stack.emulator.url, item_ttl=60, query_ttl=QUERY_TTL_MS / 1000)
    port = free_port()
    spec = dataclasses.replace(stack.gateway.spec, cache_enabled=False)

    def functions(logs: Path) -> LocalLambda:
        return LocalLambda(
            {"TodosFunction": stack.provisioned.functions["TodosFunction"]},
            project=stack.config.project,
            build=stack.config.build,
            logs=logs,
            local_environment=lambda spec: {
                **stack.local_environment(spec),
                "LOCAL_DAX_ENDPOINT": f"http://127.0.0.1:{port}",
                "CACHE_QUERY_TTL_MS": str(QUERY_TTL_MS),
            },
        )

    one, two = functions(tmp_path_factory.mktemp("one")), functions(tmp_path_factory.mktemp("two"))
    try:
        with ExitStack() as running:
            running.enter_context(serving_in_thread(dax, port))
            urls = [
                running.enter_context(stack.another_gateway(spec, f.invoke)) for f in (one, two)
            ]
            clients = [running.enter_context(httpx.Client(base_url=u, timeout=30)) for u in urls]
            yield Cached(clients[0], clients[1], dax)
    finally:
        one.stop()
        two.stop()
        dax.close()


@pytest.fixture
def http(cached: Cached) -> httpx.Client:
    return cached.http


@pytest.fixture
def cache(cached: Cached) -> LocalDax:
    return cached.dax


def wait_out_the_write_window() -> None:
    time.sleep(QUERY_TTL_MS / 1000 + 0.2)


def test_repeated_list_reads_within_the_ttl_reach_dynamodb_once(
    http: httpx.Client, cache: LocalDax, sign_up: Callable[[], SignedIn]
) -> None:
    user = sign_up()
    for title in ("a", "b"):
        http.post("/todos", json={"title": title}, headers=user.headers)
    wait_out_the_write_window()
    before = cache.stats.forwarded.copy()
    bodies = [http.get("/todos", headers=user.headers).json() for _ in range(50)]
    forwarded = cache.stats.forwarded - before
    assert forwarded["Query"] <= 1
    assert forwarded["GetItem"] <= 1  # the write marker, then from the item cache
    assert all(body == bodies[0] for body in bodies)
    assert [t["title"] for t in bodies[0]["items"]] == ["b", "a"]


def test_read_your_writes_after_patch_and_delete(
    http: httpx.Client, sign_up: Callable[[], SignedIn]
) -> None:
    user = sign_up()
    todo = http.post("/todos", json={"title": "draft"}, headers=user.headers).json()
    url = f"/todos/{todo['id']}"
    wait_out_the_write_window()
    assert http.get(url, headers=user.headers).json()["title"] == "draft"  # now cached
    assert http.get("/todos", headers=user.headers).json()["items"][0]["title"] == "draft"
    http.patch(url, json={"title": "final"}, headers=user.headers)
    assert http.get(url, headers=user.headers).json()["title"] == "final"
    assert http.get("/todos", headers=user.headers).json()["items"][0]["title"] == "final"
    assert http.delete(url, headers=user.headers).status_code == 204
    assert http.get(url, headers=user.headers).status_code == 404
    assert http.get("/todos", headers=user.headers).json()["items"] == []


def test_two_users_on_the_same_path_never_see_each_other(
    http: httpx.Client, sign_up: Callable[[], SignedIn]
) -> None:
    ana, ben = sign_up(), sign_up()
    http.post("/todos", json={"title": "ana's"}, headers=ana.headers)
    http.post("/todos", json={"title": "ben's"}, headers=ben.headers)
    wait_out_the_write_window()
    for _ in range(3):
        assert [t["title"] for t in http.get("/todos", headers=ana.headers).json()["items"]] == [
            "ana's"
        ]
        assert [t["title"] for t in http.get("/todos", headers=ben.headers).json()["items"]] == [
            "ben's"
        ]


def test_every_environment_reads_what_another_wrote_through_the_shared_cache(
    cached: Cached, sign_up: Callable[[], SignedIn]
) -> None:
    """DAX is one cluster for all of a function's environments: a write through one is read
    through another at once (item write-through), not after a TTL as with per-process caches."""
    user = sign_up()
    todo = cached.http.post("/todos", json={"title": "v1"}, headers=user.headers).json()
    url = f"/todos/{todo['id']}"
    wait_out_the_write_window()
    assert cached.other.get(url, headers=user.headers).json()["title"] == "v1"  # now cached
    for version in range(2, 5):
        patched = cached.http.patch(url, json={"title": f"v{version}"}, headers=user.headers)
        assert patched.status_code == 200, patched.text
        assert cached.other.get(url, headers=user.headers).json()["title"] == f"v{version}"
        changed = cached.other.patch(url, json={"done": version % 2 == 0}, headers=user.headers)
        assert changed.status_code == 200, changed.text  # no 409: both read the current version


def test_query_cache_expires_after_its_ttl(
    http: httpx.Client, cache: LocalDax, sign_up: Callable[[], SignedIn]
) -> None:
    user = sign_up()
    http.post("/todos", json={"title": "x"}, headers=user.headers)
    wait_out_the_write_window()
    http.get("/todos", headers=user.headers)
    before = cache.stats.forwarded["Query"]
    http.get("/todos", headers=user.headers)
    assert cache.stats.forwarded["Query"] == before
    time.sleep(QUERY_TTL_MS / 1000 + 0.1)
    http.get("/todos", headers=user.headers)
    assert cache.stats.forwarded["Query"] == before + 1


class DaxShapedClient:
    """AmazonDaxClient's interface (snake_case DynamoDB calls) over a real DynamoDB client."""

    def __init__(self, dynamodb: Any) -> None:
        self.calls: list[str] = []
        self._dynamodb = dynamodb

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._dynamodb, name)

        def call(**kwargs: Any) -> Any:
            self.calls.append(name)
            return method(**kwargs)

        return call


def test_the_dax_path_carries_every_operation(
    local_aws: LocalAws, sign_up: Callable[[], SignedIn]
) -> None:
    stand_in = DaxShapedClient(
        boto3.client("dynamodb", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    )
    table = local_aws.outputs["TodosTableName"]
    direct = bind_todo_table(table, "us-east-1", local_aws.endpoint)
    through_dax = bind_todo_table(table, "us-east-1", transport=DaxTransport(lambda: stand_in))
    repository = DynamoTodoRepository(direct, cached=through_dax, recent_write_window=1.0)
    cursors = CursorCodec(StaticKeyRing([SigningKey("k1", b"k" * 32)]))
    service = TodoService(repository, cursors, UlidGenerator(), SystemClock())
    owner = sign_up().sub
    todo = service.create(owner, NewTodo(title="via dax"))
    assert service.get(owner, todo.id).title == "via dax"
    service.update(owner, todo.id, TodoChanges(done=True, fields=frozenset({"done"})))
    time.sleep(1.1)
    assert [t.id for t in repository.list(owner, PageRequest(limit=5)).items] == [todo.id]
    service.delete(owner, todo.id)
    assert {"put_item", "get_item", "query", "delete_item"} <= set(stand_in.calls)


def test_the_real_dax_client_is_built_from_the_cluster_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: dict[str, Any] = {}

    class Recording:
        def __init__(self, **kwargs: Any) -> None:
            built.update(kwargs)

    monkeypatch.setattr(amazondax, "AmazonDaxClient", Recording)
    endpoint = "daxs://todos.abc123.dax-clusters.us-east-1.amazonaws.com"
    client = dax_client_factory(endpoint, "us-east-1")()
    assert isinstance(client, Recording)
    assert built == {"endpoint_url": endpoint, "region_name": "us-east-1"}
