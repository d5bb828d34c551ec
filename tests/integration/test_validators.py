"""Every GET has an ETag and a Cache-Control; If-None-Match gets 304; a write changes the ETag."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.conftest import SignedIn


@pytest.fixture
def user(sign_up: Callable[[], SignedIn]) -> SignedIn:
    return sign_up()


@pytest.mark.parametrize("path", ["/health", "/openapi.json", "/docs", "/todos", "/me/storage"])
def test_every_get_has_an_etag_and_cache_control(
    client: httpx.Client, user: SignedIn, path: str
) -> None:
    response = client.get(path, headers=user.headers)
    assert response.status_code == 200
    assert response.headers["etag"]
    assert response.headers["cache-control"]


def test_user_data_is_private_and_public_docs_are_shared(
    client: httpx.Client, user: SignedIn
) -> None:
    listing = client.get("/todos", headers=user.headers)
    assert listing.headers["cache-control"].startswith("private")
    assert "Authorization" in listing.headers["vary"]
    spec = client.get("/openapi.json")
    assert spec.headers["cache-control"] == "public, max-age=300, s-maxage=300"


def test_list_304_repeats_validators_and_a_write_changes_the_etag(
    client: httpx.Client, user: SignedIn
) -> None:
    client.post("/todos", json={"title": "a"}, headers=user.headers)
    first = client.get("/todos", headers=user.headers)
    etag = first.headers["etag"]
    again = client.get("/todos", headers={**user.headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == first.headers["cache-control"]
    todo_id = first.json()["items"][0]["id"]
    client.patch(f"/todos/{todo_id}", json={"done": True}, headers=user.headers)
    stale = client.get("/todos", headers={**user.headers, "If-None-Match": etag})
    assert stale.status_code == 304  # the stage cache answers for its TTL, as on AWS
    # The documented way past it after a write: a `fresh` value not used before.
    after = client.get(
        "/todos", headers={**user.headers, "If-None-Match": etag}, params={"fresh": "v-after"}
    )
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert after.json()["items"][0]["done"] is True


def test_item_etag_is_the_version_and_changes_on_write(
    client: httpx.Client, user: SignedIn
) -> None:
    todo = client.post("/todos", json={"title": "a"}, headers=user.headers).json()
    url = f"/todos/{todo['id']}"
    assert client.get(url, headers={**user.headers, "If-None-Match": '"v1"'}).status_code == 304
    patched = client.patch(url, json={"title": "b"}, headers=user.headers)
    fresh = client.get(
        url,
        headers={**user.headers, "If-None-Match": '"v1"'},
        params={"fresh": patched.headers["etag"]},  # past the stage cache after a write
    )
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == '"v2"'


def test_304_is_not_given_for_another_users_etag(
    client: httpx.Client, sign_up: Callable[[], SignedIn]
) -> None:
    ana, ben = sign_up(), sign_up()
    client.post("/todos", json={"title": "ana's"}, headers=ana.headers)
    etag = client.get("/todos", headers=ana.headers).headers["etag"]
    response = client.get("/todos", headers={**ben.headers, "If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_fresh_is_accepted_and_ignored_by_the_app(client: httpx.Client, user: SignedIn) -> None:
    todo = client.post("/todos", json={"title": "a"}, headers=user.headers).json()
    plain = client.get(f"/todos/{todo['id']}", headers=user.headers)
    busted = client.get(f"/todos/{todo['id']}", params={"fresh": '"v1"'}, headers=user.headers)
    assert busted.status_code == 200
    assert busted.json() == plain.json()
    listed = client.get("/todos", params={"fresh": "x1"}, headers=user.headers)
    assert listed.json() == client.get("/todos", headers=user.headers).json()
    too_long = client.get("/todos", params={"fresh": "x" * 65}, headers=user.headers)
    assert too_long.status_code == 422
