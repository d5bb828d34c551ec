"""The blog's API: public reads, author-only writes, unique slugs, and HTML that runs nothing."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from tests.conftest import SignedIn

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def author(sign_up: Callable[..., SignedIn]) -> SignedIn:
    return sign_up(author=True)


@pytest.fixture(scope="module")
def reader(sign_up: Callable[..., SignedIn]) -> SignedIn:
    return sign_up()


def slug() -> str:
    return f"post-{secrets.token_hex(4)}"


def publish(client: httpx.Client, author: SignedIn, **fields: Any) -> dict[str, Any]:
    body = {"slug": slug(), "title": "A post", "body": "Hello *world*.", **fields}
    response = client.post("/posts", json=body, headers=author.headers)
    assert response.status_code == 201, response.text
    post: dict[str, Any] = response.json()
    return post


def test_author_publishes_and_anyone_reads(client: httpx.Client, author: SignedIn) -> None:
    post = publish(client, author, title="First", summary="Short.")
    assert post["html"] == "<p>Hello <em>world</em>.</p>\n"
    public = client.get(f"/posts/{post['slug']}")
    assert public.status_code == 200
    assert public.json() == post
    assert public.headers["cache-control"] == "public, max-age=60, s-maxage=300"
    assert public.headers["etag"] == '"v1"'
    assert "authorization" not in public.headers.get("vary", "").lower()
    listed = client.get("/posts", params={"limit": 50})
    assert listed.headers["cache-control"].startswith("public")
    summaries = {p["slug"]: p for p in listed.json()["items"]}
    assert summaries[post["slug"]]["authorId"] == author.sub  # lists show whose posts are whose


def test_non_authors_and_anonymous_callers_cannot_write(
    client: httpx.Client, reader: SignedIn, author: SignedIn
) -> None:
    body = {"slug": slug(), "title": "t", "body": "b"}
    forbidden = client.post("/posts", json=body, headers=reader.headers)
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"] == PROBLEM
    assert forbidden.json()["code"] == "forbidden"
    assert client.post("/posts", json=body).status_code == 401
    post = publish(client, author)
    url = f"/posts/{post['slug']}"
    assert client.patch(url, json={"title": "x"}, headers=reader.headers).status_code == 403
    assert client.delete(url, headers=reader.headers).status_code == 403
    assert client.get(url).json()["title"] == post["title"]
    assert client.get(f"/posts/{body['slug']}").status_code == 404


def test_slug_clash_is_409_and_keeps_the_first(client: httpx.Client, author: SignedIn) -> None:
    post = publish(client, author, title="Original")
    clash = client.post(
        "/posts", json={"slug": post["slug"], "title": "Copy", "body": "x"}, headers=author.headers
    )
    assert clash.status_code == 409
    assert clash.json()["code"] == "slug_taken"
    assert client.get(f"/posts/{post['slug']}").json()["title"] == "Original"


class _Executable(HTMLParser):
    """Collects what a browser could execute: script-like elements, handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "iframe", "object", "embed", "style", "svg", "math", "base", "form"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc"}:
                self.found.append(f"{tag}[{name}]")
            scheme = (value or "").strip().lower()
            if name in {"href", "src", "action"} and scheme.startswith(("javascript:", "data:")):
                self.found.append(f"{tag}[{name}={value}]")


def executable_parts(html: str) -> list[str]:
    parser = _Executable()
    parser.feed(html)
    return parser.found


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '![x](x" onerror="alert(1))',
    "<iframe src=https://example.com></iframe>",
    '<a href="https://x" style="color:red" onclick="x()">a</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("markdown", HOSTILE)
def test_markdown_can_never_run_script(
    client: httpx.Client, author: SignedIn, markdown: str
) -> None:
    post = publish(client, author, body=f"Before\n\n{markdown}\n\nAfter")
    html = client.get(f"/posts/{post['slug']}").json()["html"]
    assert executable_parts(html) == []
    assert "Before" in html
    assert "After" in html


@pytest.mark.parametrize("markdown", HOSTILE)
def test_the_preview_is_exactly_what_publishing_renders(
    client: httpx.Client, author: SignedIn, markdown: str
) -> None:
    """The authoring page's live preview: the same sanitizer, nothing stored."""
    body = f"# Title\n\nBefore\n\n{markdown}\n\nAfter"
    preview = client.post("/previews", json={"body": body}, headers=author.headers)
    assert preview.status_code == 200, preview.text
    assert preview.headers["cache-control"] == "no-store"
    post = publish(client, author, body=body)
    assert preview.json() == {"html": post["html"]}
    assert executable_parts(preview.json()["html"]) == []


def test_only_authors_and_editors_preview(
    client: httpx.Client, reader: SignedIn, sign_up: Callable[..., SignedIn]
) -> None:
    refused = client.post("/previews", json={"body": "x"}, headers=reader.headers)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert client.post("/previews", json={"body": "x"}).status_code == 401
    editor = sign_up(editor=True)
    assert client.post("/previews", json={"body": "*x*"}, headers=editor.headers).json() == {
        "html": "<p><em>x</em></p>\n"
    }
    too_long = client.post("/previews", json={"body": "x" * 20_001}, headers=editor.headers)
    assert too_long.status_code == 422


def test_the_checker_sees_what_it_must_refuse() -> None:
    assert executable_parts('<img src=x onerror="a()"><script></script>') == [
        "img[onerror]", "script",
    ]  # fmt: skip


def test_authors_change_only_their_own_posts_and_editors_any(
    client: httpx.Client, author: SignedIn, sign_up: Callable[..., SignedIn]
) -> None:
    other, editor = sign_up(author=True), sign_up(editor=True)
    post = publish(client, author)
    assert post["authorId"] == author.sub
    url = f"/posts/{post['slug']}"
    refused = client.patch(url, json={"title": "hijacked"}, headers=other.headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_yours"
    gone = client.delete(url, headers=other.headers)
    assert (gone.status_code, gone.json()["code"]) == (403, "not_yours")
    assert client.get(url, params={"fresh": "1"}).json()["title"] == post["title"]
    edited = client.patch(url, json={"title": "Edited"}, headers=editor.headers)
    assert edited.status_code == 200, edited.text
    assert edited.json()["authorId"] == author.sub  # an editor's edit keeps the author
    assert client.delete(url, headers=editor.headers).status_code == 204
    assert client.get(url, params={"fresh": "2"}).status_code == 404


def test_edit_with_if_match_and_delete(client: httpx.Client, author: SignedIn) -> None:
    post = publish(client, author)
    url = f"/posts/{post['slug']}"
    edited = client.patch(
        url, json={"body": "**bold**"}, headers={**author.headers, "If-Match": '"v1"'}
    )
    assert edited.status_code == 200
    assert edited.json()["html"] == "<p><strong>bold</strong></p>\n"
    assert edited.headers["etag"] == '"v2"'
    stale = client.patch(url, json={"title": "x"}, headers={**author.headers, "If-Match": '"v1"'})
    assert stale.status_code == 412
    assert client.get(url, headers={"If-None-Match": '"v2"'}).status_code == 304
    assert client.delete(url, headers=author.headers).status_code == 204
    assert client.get(url).status_code == 404


def test_posts_page_newest_first(client: httpx.Client, author: SignedIn) -> None:
    slugs = [publish(client, author, title=f"p{i}")["slug"] for i in range(3)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/posts", params=params).json()
        seen += [p["slug"] for p in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None or set(slugs) <= set(seen):
            break
    newest_first = [s for s in seen if s in slugs]
    assert newest_first == slugs[::-1]


@pytest.mark.parametrize(
    "body",
    [
        {"slug": "Bad Slug", "title": "t", "body": "b"},
        {"slug": "ok", "title": "", "body": "b"},
        {"slug": "ok", "title": "t", "body": ""},
        {"slug": "ok", "title": "t", "body": "b", "extra": 1},
        {"slug": "-x", "title": "t", "body": "b"},
    ],
)
def test_invalid_posts_are_422(
    client: httpx.Client, author: SignedIn, body: dict[str, Any]
) -> None:
    response = client.post("/posts", json=body, headers=author.headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
