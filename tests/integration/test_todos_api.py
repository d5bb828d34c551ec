"""The to-dos API over the emulator: CRUD, pagination, preconditions, isolation, bad input."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import LocalAws, SignedIn

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


@pytest.fixture
def alice(sign_up: Callable[[], SignedIn]) -> SignedIn:
    return sign_up()


@pytest.fixture
def bob(sign_up: Callable[[], SignedIn]) -> SignedIn:
    return sign_up()


def create(client: httpx.Client, user: SignedIn, **body: Any) -> dict[str, Any]:
    response = client.post("/todos", json={"title": "t", **body}, headers=user.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:problem-type:{code}"
    # The function's request id, or API Gateway's for the gateway's own responses.
    assert body["request_id"] == (
        response.headers.get("x-request-id") or response.headers["x-amzn-requestid"]
    )
    assert "Traceback" not in response.text
    return body


def test_create_returns_the_todo_with_location_and_etag(
    client: httpx.Client, alice: SignedIn
) -> None:
    response = client.post(
        "/todos",
        json={"title": "Buy milk", "notes": "2 l", "dueDate": "2026-12-01"},
        headers=alice.headers,
    )
    assert response.status_code == 201
    todo = response.json()
    assert set(todo) == {
        "id", "title", "notes", "done", "dueDate", "createdAt", "updatedAt", "version",
    }  # fmt: skip
    assert (todo["title"], todo["notes"], todo["done"], todo["dueDate"], todo["version"]) == (
        "Buy milk", "2 l", False, "2026-12-01", 1,
    )  # fmt: skip
    assert response.headers["location"] == f"{str(client.base_url).rstrip('/')}/todos/{todo['id']}"
    assert response.headers["etag"] == '"v1"'
    fetched = client.get(f"/todos/{todo['id']}", headers=alice.headers)
    assert fetched.status_code == 200
    assert fetched.json() == todo
    assert fetched.headers["etag"] == '"v1"'
    assert fetched.headers["cache-control"].startswith("private")


def test_get_with_current_etag_is_304(client: httpx.Client, alice: SignedIn) -> None:
    todo = create(client, alice)
    response = client.get(
        f"/todos/{todo['id']}", headers={**alice.headers, "If-None-Match": '"v1"'}
    )
    assert response.status_code == 304
    assert response.headers["etag"] == '"v1"'
    assert response.content == b""


def test_patch_is_partial_and_changes_the_etag(client: httpx.Client, alice: SignedIn) -> None:
    todo = create(client, alice, notes="keep me", dueDate="2026-12-24")
    response = client.patch(
        f"/todos/{todo['id']}", json={"done": True, "dueDate": None}, headers=alice.headers
    )
    assert response.status_code == 200
    patched = response.json()
    assert (patched["done"], patched["notes"], patched["dueDate"], patched["version"]) == (
        True, "keep me", None, 2,
    )  # fmt: skip
    assert response.headers["etag"] == '"v2"'
    assert client.get(f"/todos/{todo['id']}", headers=alice.headers).json() == patched


def test_stale_if_match_is_412_and_nothing_is_lost(client: httpx.Client, alice: SignedIn) -> None:
    todo = create(client, alice)
    url = f"/todos/{todo['id']}"
    first = client.patch(url, json={"title": "mine"}, headers={**alice.headers, "If-Match": '"v1"'})
    assert first.status_code == 200
    second = client.patch(
        url, json={"title": "theirs"}, headers={**alice.headers, "If-Match": '"v1"'}
    )
    assert_problem(second, 412, "precondition_failed")
    stale_delete = client.delete(url, headers={**alice.headers, "If-Match": '"v1"'})
    assert_problem(stale_delete, 412, "precondition_failed")
    assert client.get(url, headers=alice.headers).json()["title"] == "mine"
    assert client.delete(url, headers={**alice.headers, "If-Match": '"v2"'}).status_code == 204
    # The stage cache still holds the read above for its TTL; after a write, read past it.
    gone = client.get(url, headers=alice.headers, params={"fresh": "after-delete"})
    assert_problem(gone, 404, "not_found")


def test_delete_is_204_then_404(client: httpx.Client, alice: SignedIn) -> None:
    todo = create(client, alice)
    assert client.delete(f"/todos/{todo['id']}", headers=alice.headers).status_code == 204
    assert_problem(client.delete(f"/todos/{todo['id']}", headers=alice.headers), 404, "not_found")


def test_list_pages_newest_first_and_filters_by_done(client: httpx.Client, alice: SignedIn) -> None:
    created = [create(client, alice, title=f"t{i}", done=i % 2 == 0) for i in range(7)]
    newest_first = [t["id"] for t in reversed(created)]
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        response = client.get("/todos", params=params, headers=alice.headers)
        assert response.status_code == 200
        assert response.headers["cache-control"].startswith("private")
        body = response.json()
        assert len(body["items"]) <= 3
        seen += [t["id"] for t in body["items"]]
        pages += 1
        cursor = body["nextCursor"]
        if cursor is None:
            break
    assert seen == newest_first
    assert pages == 3
    done = client.get("/todos", params={"done": "true"}, headers=alice.headers).json()
    assert [t["id"] for t in done["items"]] == [t["id"] for t in reversed(created) if t["done"]]
    first_open = client.get("/todos", params={"done": "false", "limit": 2}, headers=alice.headers)
    rest_open = client.get(
        "/todos",
        params={"done": "false", "limit": 2, "cursor": first_open.json()["nextCursor"]},
        headers=alice.headers,
    )
    open_ids = [t["id"] for t in first_open.json()["items"] + rest_open.json()["items"]]
    assert open_ids == [t["id"] for t in reversed(created) if not t["done"]]


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    ("todo_id", "code"),
    [
        ("%23writes", "not_found"),
        ("%23", "not_found"),
        ("%2523writes", "not_found"),
        ("0", "not_found"),
        ("%E2%80%AE", "not_found"),
        ("x" * 300, "not_found"),
        # The event's `path` is decoded, so the app sees /todos/a/b, which no route serves.
        ("a%2Fb", "route_not_found"),
    ],
)
def test_internal_rows_and_malformed_ids_are_not_found(
    client: httpx.Client, alice: SignedIn, method: str, todo_id: str, code: str
) -> None:
    """The read cache's write-marker row (`#writes`) shares the owner's partition: an id from
    the path must never reach it, or any other row that is not a to-do."""
    create(client, alice)  # writes the marker
    headers = {**alice.headers, "If-Match": "*"} if method != "GET" else alice.headers
    body = {"title": "x"} if method == "PATCH" else None
    response = client.request(method, f"/todos/{todo_id}", json=body, headers=headers)
    assert_problem(response, 404, code)
    listing = client.get("/todos", params={"fresh": "1"}, headers=alice.headers)
    assert listing.status_code == 200
    assert len(listing.json()["items"]) == 1


def test_users_are_isolated(client: httpx.Client, alice: SignedIn, bob: SignedIn) -> None:
    secret = create(client, alice, title="alice's secret")
    create(client, alice, title="another")
    url = f"/todos/{secret['id']}"
    missing = client.get("/todos/01JD0000000000000000000000", headers=bob.headers)
    foreign = client.get(url, headers=bob.headers)
    assert_problem(foreign, 404, "not_found")
    assert foreign.json()["detail"] == missing.json()["detail"]
    assert_problem(client.patch(url, json={"done": True}, headers=bob.headers), 404, "not_found")
    assert_problem(client.delete(url, headers=bob.headers), 404, "not_found")
    assert client.get("/todos", headers=bob.headers).json() == {"items": [], "nextCursor": None}
    alices_cursor = client.get("/todos", params={"limit": 1}, headers=alice.headers).json()[
        "nextCursor"
    ]
    assert alices_cursor
    stolen = client.get("/todos", params={"cursor": alices_cursor}, headers=bob.headers)
    assert_problem(stolen, 400, "invalid_cursor")
    assert client.get(url, headers=alice.headers).json()["done"] is False


@pytest.mark.parametrize("cursor", ["garbage", "e30.AAAA", "eyJ1c2VySWQiOiJ4In0.c2ln"])
def test_forged_cursor_is_400(client: httpx.Client, alice: SignedIn, cursor: str) -> None:
    assert_problem(
        client.get("/todos", params={"cursor": cursor}, headers=alice.headers),
        400,
        "invalid_cursor",
    )


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"title": ""}, "#/title"),
        ({"title": "x" * 201}, "#/title"),
        ({"title": "ok", "notes": "n" * 2001}, "#/notes"),
        ({"title": 5}, "#/title"),
        ({"title": "ok", "done": "yes"}, "#/done"),
        ({"title": "ok", "dueDate": "tomorrow"}, "#/dueDate"),
        ({"title": "ok", "dueDate": 0}, "#/dueDate"),  # not 1970-01-01 (found by the fuzzer)
        ({"title": "ok", "dueDate": "0"}, "#/dueDate"),  # nor as a string (the fuzzer again)
        ({"title": "ok", "dueDate": "2026-12-01T00:00:00"}, "#/dueDate"),
        ({"title": "ok", "owner": "someone-else"}, "#/owner"),
        ({}, "#/title"),
    ],
)
def test_invalid_create_is_422_naming_the_field(
    client: httpx.Client, alice: SignedIn, body: dict[str, Any], pointer: str
) -> None:
    problem = assert_problem(
        client.post("/todos", json=body, headers=alice.headers), 422, "validation_failed"
    )
    assert pointer in [error.get("pointer") for error in problem["errors"]]
    assert "input" not in problem["errors"][0]


@pytest.mark.parametrize(
    ("body", "pointer"),
    [({"title": None}, "#/title"), ({"done": None}, "#/done"), ({"version": 9}, "#/version")],
)
def test_invalid_patch_is_422_and_writes_nothing(
    client: httpx.Client, alice: SignedIn, body: dict[str, Any], pointer: str
) -> None:
    todo = create(client, alice)
    url = f"/todos/{todo['id']}"
    problem = assert_problem(
        client.patch(url, json=body, headers=alice.headers), 422, "validation_failed"
    )
    assert pointer in [error.get("pointer") for error in problem["errors"]]
    assert client.get(url, headers=alice.headers).json()["version"] == 1


def test_malformed_json_is_400(client: httpx.Client, alice: SignedIn) -> None:
    response = client.post(
        "/todos",
        content=b'{"title": "x",',
        headers={**alice.headers, "Content-Type": "application/json"},
    )
    assert_problem(response, 400, "malformed_json")


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"]
)
def test_a_json_body_not_sent_as_json_is_415_and_writes_nothing(
    client: httpx.Client, alice: SignedIn, content_type: str | None
) -> None:
    todo = create(client, alice)
    headers = {**alice.headers, "Content-Type": content_type} if content_type else alice.headers
    body = b'{"title": "sent as something else"}'
    created = client.post("/todos", content=body, headers=headers)
    problem = assert_problem(created, 415, "unsupported_media_type")
    assert "application/json" in problem["detail"]
    assert created.headers["accept-post"] == "application/json"
    patched = client.patch(f"/todos/{todo['id']}", content=body, headers=headers)
    assert_problem(patched, 415, "unsupported_media_type")
    assert patched.headers["accept-patch"] == "application/json"
    listing = client.get("/todos", params={"fresh": "415"}, headers=alice.headers).json()
    assert [(t["id"], t["title"]) for t in listing["items"]] == [(todo["id"], "t")]


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "APPLICATION/JSON", "application/merge-patch+json"],
)
def test_json_media_types_with_parameters_or_suffix_are_accepted(
    client: httpx.Client, alice: SignedIn, content_type: str
) -> None:
    response = client.post(
        "/todos",
        content=b'{"title": "ok"}',
        headers={**alice.headers, "Content-Type": content_type},
    )
    assert response.status_code == 201, response.text


def test_oversize_body_is_413_and_writes_nothing(client: httpx.Client, alice: SignedIn) -> None:
    before = len(client.get("/todos", headers=alice.headers).json()["items"])
    response = client.post(
        "/todos", json={"title": "x", "notes": "n" * 70_000}, headers=alice.headers
    )
    assert_problem(response, 413, "payload_too_large")
    assert len(client.get("/todos", headers=alice.headers).json()["items"]) == before


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_bad_limit_is_422(client: httpx.Client, alice: SignedIn, limit: str) -> None:
    problem = assert_problem(
        client.get("/todos", params={"limit": limit}, headers=alice.headers),
        422,
        "validation_failed",
    )
    assert problem["errors"][0]["parameter"] == "limit"


@pytest.mark.parametrize("if_match", ["v1", ""])
def test_malformed_if_match_is_400_and_writes_nothing(
    client: httpx.Client, alice: SignedIn, if_match: str
) -> None:
    todo = create(client, alice)
    url = f"/todos/{todo['id']}"
    response = client.patch(
        url, json={"done": True}, headers={**alice.headers, "If-Match": if_match}
    )
    assert_problem(response, 400, "invalid_precondition")
    assert client.get(url, headers=alice.headers).json()["version"] == 1


def test_empty_if_none_match_is_400(client: httpx.Client, alice: SignedIn) -> None:
    todo = create(client, alice)
    response = client.get(f"/todos/{todo['id']}", headers={**alice.headers, "If-None-Match": ""})
    assert_problem(response, 400, "invalid_precondition")


def test_unknown_route_and_method_are_problems_from_the_gateway(
    client: httpx.Client, alice: SignedIn, local_aws: LocalAws
) -> None:
    """API Gateway answers a path or method no route has (MISSING_AUTHENTICATION_TOKEN, mapped
    to 404 by the template) before any function runs."""
    before = local_aws.invocations()
    assert_problem(client.get("/nope", headers=alice.headers), 404, "route_not_found")
    assert_problem(client.put("/todos", headers=alice.headers), 404, "route_not_found")
    assert_problem(client.delete("/todos", headers=alice.headers), 404, "route_not_found")
    assert local_aws.invocations() == before


@pytest.mark.parametrize("path", ["/todos/", "/posts/hello%2F", "/posts/%2F"])
def test_a_trailing_slash_is_404_never_a_redirect(
    client: httpx.Client, alice: SignedIn, path: str
) -> None:
    """The event's `path` is decoded, so an id ending in `%2F` reaches the app with a trailing
    slash; the app answers no route there rather than redirecting to a URL it guessed."""
    response = client.get(path, headers=alice.headers, follow_redirects=False)
    assert_problem(response, 404, "route_not_found")


def test_health_needs_no_token(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_documents_bearer_auth_and_problems(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "Problem" in spec["components"]["schemas"]
    create_op = spec["paths"]["/todos"]["post"]
    assert create_op["operationId"] == "createTodo"
    assert "application/problem+json" in create_op["responses"]["422"]["content"]
    assert {"HTTPBearer": []} in create_op["security"]
    assert spec["servers"] == [{"url": ".", "description": "This API, beside its spec"}]


def test_docs_name_no_other_origin_and_serve_their_assets(client: httpx.Client) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "url: 'openapi.json'" in docs.text
    # No CDN, no third-party favicon (the inline icon's SVG namespace is a name, not a request).
    assert re.findall(r"https?://(?!www\.w3\.org/2000/svg')", docs.text) == []
    for name, media_type in [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
    ]:
        asset = client.get(f"/docs/assets/{name}")
        assert asset.status_code == 200
        assert asset.headers["content-type"].startswith(media_type)
        assert asset.headers["cache-control"].startswith("public")
        assert f"docs/assets/{name}" in docs.text
    for name in ["index.html", "redoc.standalone.js", "%2E%2E"]:
        assert_problem(client.get(f"/docs/assets/{name}"), 404, "not_found")
    traversal = client.get("/docs/assets/..%2F..%2Fapp%2Fsettings.py")
    assert_problem(traversal, 404, "route_not_found")
