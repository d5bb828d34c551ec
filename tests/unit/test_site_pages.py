"""Page rendering and the site refresh, with in-memory ports."""

from __future__ import annotations

import datetime as dt

from app.devstack.edge.origin import pretty_url
from app.domain.posts import Post
from app.site.pages import render_home, render_post
from app.site.render import SiteRenderer

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def post(slug: str, title: str = "T") -> Post:
    return Post(slug, title, "Sum <b>", "body", "<p>body</p>", "a", NOW, NOW, 1)


class Posts:
    def __init__(self, posts: list[Post]) -> None:
        self.posts = posts

    def get(self, slug: str) -> Post | None:
        return next((p for p in self.posts if p.slug == slug), None)

    def list(
        self, limit: int, start: dict[str, str] | None
    ) -> tuple[list[Post], dict[str, str] | None]:
        offset = int(start["offset"]) if start else 0
        page = self.posts[offset : offset + limit]
        more = offset + limit < len(self.posts)
        return page, {"offset": str(offset + limit)} if more else None

    def add(self, post: Post) -> None: ...
    def replace(self, post: Post, *, expected_version: int) -> None: ...
    def delete(self, slug: str, *, expected_version: int | None) -> bool:
        return False


class Bucket:
    def __init__(self) -> None:
        self.pages: dict[str, str] = {}

    def put_page(self, path: str, html: str) -> None:
        self.pages[path] = html

    def delete_page(self, path: str) -> None:
        self.pages.pop(path, None)


class Edge:
    def __init__(self) -> None:
        self.paths: list[list[str]] = []

    def invalidate(self, paths: list[str]) -> None:
        self.paths.append(paths)


def test_titles_and_summaries_are_escaped() -> None:
    page = render_post(post("x", title="<script>x</script>"))
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "Sum &lt;b&gt;" in render_home([post("x")])


def test_refresh_all_renders_every_post_and_the_home_page() -> None:
    bucket, edge = Bucket(), Edge()
    renderer = SiteRenderer(Posts([post(f"p{i}") for i in range(120)]), bucket, edge)
    assert renderer.refresh_all() == 121
    assert len(bucket.pages) == 121
    assert "index.html" in bucket.pages
    assert edge.paths[-1] == ["/*"]


def test_a_deleted_post_loses_its_page_and_is_invalidated() -> None:
    bucket, edge = Bucket(), Edge()
    bucket.pages["posts/gone/index.html"] = "old"
    renderer = SiteRenderer(Posts([]), bucket, edge)
    path = renderer.refresh_post("gone")
    renderer.refresh_home([path])
    assert "posts/gone/index.html" not in bucket.pages
    assert "/posts/gone/" in edge.paths[-1]
    assert "No posts yet" in bucket.pages["index.html"]


def test_pretty_urls_match_the_cloudfront_function() -> None:
    assert pretty_url("/") == "/index.html"
    assert pretty_url("/posts/x") == "/posts/x/index.html"
    assert pretty_url("/posts/x/") == "/posts/x/index.html"
    assert pretty_url("/static/app.js") == "/static/app.js"
