"""Publishing renders static pages that read fully with JavaScript off, and run no post script."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from html.parser import HTMLParser

import httpx
import pytest

from app.devstack.event_sources.dynamodb_streams import StreamPump
from tests.conftest import SignedIn
from tests.integration.test_posts_api import executable_parts


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.scripts: list[dict[str, str | None]] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        if tag == "script":
            self.scripts.append(dict(attrs))


def parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def drain(pumps: list[StreamPump]) -> None:
    for pump in pumps:
        pump.drain()


@pytest.fixture(scope="module")
def author(sign_up: Callable[..., SignedIn]) -> SignedIn:
    return sign_up(author=True)


def test_publish_edit_delete_rerender_the_static_pages(
    client: httpx.Client, site: tuple[str, list[StreamPump]], author: SignedIn
) -> None:
    url, pumps = site
    slug = f"rendered-{secrets.token_hex(3)}"
    body = (
        "Hello **readers**.\n\n<script>document.title='owned'</script>\n\n"
        "<img src=x onerror=alert(1)>"
    )
    created = client.post(
        "/posts",
        json={"slug": slug, "title": "Rendered <b>post</b>", "body": body, "summary": "S."},
        headers=author.headers,
    )
    assert created.status_code == 201
    drain(pumps)
    with httpx.Client(base_url=url) as browser_without_js:
        page = browser_without_js.get(f"/posts/{slug}/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        parsed = parse(page.text)
        text = " ".join(parsed.text)
        assert "Rendered <b>post</b>" in text  # the title is text, never markup
        assert "readers" in text
        assert "<script>document.title='owned'</script>" in text  # shown, inert
        # The only script is the site's own enhancement, loaded from our origin.
        assert parsed.scripts == [{"src": "/static/app.js", "defer": None}]
        article = page.text.split("<article>", 1)[1].split("</article>", 1)[0]
        assert executable_parts(article) == []
        assert browser_without_js.get(f"/posts/{slug}").status_code == 200  # pretty URL
        home = parse(browser_without_js.get("/").text)
        assert f"/posts/{slug}/" in home.links
        month = f"/archive/{created.json()['publishedAt'][:7].replace('-', '/')}/"
        assert month in parse(browser_without_js.get("/archive/").text).links
        assert f"/posts/{slug}/" in parse(browser_without_js.get(month).text).links
        feed = browser_without_js.get("/feed.xml")
        assert feed.headers["content-type"].startswith("application/atom+xml")
        assert f"/posts/{slug}/</id>" in feed.text

        client.patch(f"/posts/{slug}", json={"title": "Edited"}, headers=author.headers)
        drain(pumps)
        assert "Edited" in browser_without_js.get(f"/posts/{slug}/").text
        assert "Edited" in browser_without_js.get("/").text

        client.delete(f"/posts/{slug}", headers=author.headers)
        drain(pumps)
        gone = browser_without_js.get(f"/posts/{slug}/")
        assert gone.status_code == 404
        assert "Page not found" in gone.text  # the rendered 404 page, through the edge
        assert f"/posts/{slug}/" not in parse(browser_without_js.get("/").text).links
        assert f"/posts/{slug}/" not in parse(browser_without_js.get(month).text).links
        assert f"/posts/{slug}/" not in browser_without_js.get("/feed.xml").text
        assert f"/posts/{slug}/" not in browser_without_js.get("/sitemap.xml").text


def test_the_site_origin_serves_the_api_under_api(site: tuple[str, list[StreamPump]]) -> None:
    url, _ = site
    with httpx.Client(base_url=url) as http:
        response = http.get("/api/posts")
        assert response.status_code == 200
        assert response.headers["cache-control"].startswith("public")
        assert http.get("/api/openapi.json").json()["info"]["title"]
        assert (
            http.get("/static/app.js")
            .headers["content-type"]
            .startswith(("text/javascript", "application/javascript"))
        )
