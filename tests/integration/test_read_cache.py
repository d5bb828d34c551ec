"""Reads through the local DAX stand-in: few DynamoDB calls, read-your-writes, no leaks.

The app is built exactly as `make run` builds it (LOCAL_READ_CACHE=1), served over HTTP, over
the session's emulator; the cache's counters say what reached DynamoDB.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import amazondax
import boto3
import httpx
import pytest

from app.adapters.dynamodb_transport import DaxTransport, LocalDaxCache, dax_client_factory
from app.adapters.ids import UlidGenerator
from app.adapters.todos_dynamodb import DynamoTodoRepository, bind_todo_table
from app.api.app import create_app
from app.bootstrap import Container, SystemClock, build_container
from app.devstack.ports import free_port
from app.devstack.serving import serving_in_thread
from app.domain.cursors import CursorCodec
from app.domain.todos import NewTodo, PageRequest, TodoChanges, TodoService
from app.settings import Settings
from tests.conftest import LocalAws, SignedIn

QUERY_TTL_MS = 1500


@pytest.fixture(scope="module")
def cached(local_aws: LocalAws) -> Iterator[tuple[httpx.Client, Container]]:
    settings = Settings.model_validate(
        local_aws.api_environment(
            LOCAL_READ_CACHE="1", CACHE_ITEM_TTL_MS="60000", CACHE_QUERY_TTL_MS=str(QUERY_TTL_MS)
        )
    )
    container = build_container(settings)
    assert container.read_cache is not None
    with (
        serving_in_thread(create_app(container), free_port()) as url,
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        yield http, container


@pytest.fixture
def http(cached: tuple[httpx.Client, Container]) -> httpx.Client:
    return cached[0]


@pytest.fixture
def cache(cached: tuple[httpx.Client, Container]) -> LocalDaxCache:
    read_cache = cached[1].read_cache
    assert read_cache is not None
    return read_cache


def wait_out_the_write_window() -> None:
    time.sleep(QUERY_TTL_MS / 1000 + 0.2)


def test_repeated_list_reads_within_the_ttl_reach_dynamodb_once(
    http: httpx.Client, cache: LocalDaxCache, sign_up: Callable[[], SignedIn]
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


def test_query_cache_expires_after_its_ttl(
    http: httpx.Client, cache: LocalDaxCache, sign_up: Callable[[], SignedIn]
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
    service = TodoService(repository, CursorCodec(b"k" * 32), UlidGenerator(), SystemClock())
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
