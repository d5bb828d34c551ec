"""Page rendering and the site refresh, with in-memory ports."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from app.devstack.edge.origin import pretty_url
from app.domain.photos import Photo
from app.domain.posts import Post
from app.site.pages import render_home, render_not_found, render_post
from app.site.render import ATOM, HTML, TEXT, XML, SiteRenderer

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
SITE = "https://blog.example.com/"


def post(
    slug: str, title: str = "T", published: dt.datetime = NOW, summary: str = "Sum <b>"
) -> Post:
    return Post(slug, title, summary, "body", "<p>body</p>", "a", published, published, 1)


def photo(slug: str, n: int, status: str = "ready") -> Photo:
    thumbnails = {
        "256": f"/thumbnails/{slug}/p{n}/256.jpg",
        "1024": f"/thumbnails/{slug}/p{n}/1024.jpg",
    }
    return Photo(slug, f"p{n}", f"uploads/{slug}/p{n}", status, NOW, thumbnails=thumbnails)


class Posts:
    def __init__(self, posts: list[Post]) -> None:
        self.posts = posts

    def get(self, slug: str) -> Post | None:
        return next((p for p in self.posts if p.slug == slug), None)

    def list(
        self, limit: int, start: dict[str, str] | None
    ) -> tuple[list[Post], dict[str, str] | None]:
        ordered = sorted(self.posts, key=lambda p: (p.published_at, p.slug), reverse=True)
        offset = int(start["offset"]) if start else 0
        page = ordered[offset : offset + limit]
        more = offset + limit < len(ordered)
        return page, {"offset": str(offset + limit)} if more else None

    def add(self, post: Post) -> None: ...
    def replace(self, post: Post, *, expected_version: int) -> None: ...
    def delete(self, slug: str, *, expected_version: int | None) -> bool:
        return False


class Bucket:
    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.types: dict[str, str] = {}

    def put_page(self, path: str, body: str, content_type: str = HTML) -> None:
        self.pages[path] = body
        self.types[path] = content_type

    def delete_page(self, path: str) -> None:
        self.pages.pop(path, None)


class Edge:
    def __init__(self) -> None:
        self.paths: list[list[str]] = []

    def invalidate(self, paths: list[str]) -> None:
        self.paths.append(paths)


class Photos:
    def __init__(self, photos: list[Photo]) -> None:
        self.photos = photos

    def list_for(self, slug: str) -> list[Photo]:
        return [p for p in self.photos if p.slug == slug]


class Meta(HTMLParser):
    """The head's `<meta>` and `<link>` tags, as a link preview or a feed reader reads them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            self.meta[values.get("property") or values["name"]] = values["content"]
        if tag == "link":
            self.links.append(values)


def renderer(
    posts: list[Post], photos: list[Photo] | None = None
) -> tuple[SiteRenderer, Bucket, Edge]:
    bucket, edge = Bucket(), Edge()
    site = SiteRenderer(
        Posts(posts), bucket, edge, Photos(photos or []), site_url=SITE, clock=lambda: NOW
    )
    return site, bucket, edge


def test_titles_and_summaries_are_escaped() -> None:
    page = render_post(SITE, post("x", title="<script>x</script>"))
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "Sum &lt;b&gt;" in render_home(SITE, [post("x")])


def test_a_post_page_has_open_graph_and_twitter_tags_with_its_first_ready_photo() -> None:
    photos = [photo("x", 1, status="pending"), photo("x", 2), photo("x", 3)]
    parsed = Meta(render_post(SITE, post("x", title='Say "hi" & <go>'), photos))
    assert parsed.meta["og:title"] == 'Say "hi" & <go> | MyBlog.com'
    assert parsed.meta["og:description"] == "Sum <b>"
    assert parsed.meta["og:type"] == "article"
    assert parsed.meta["og:url"] == "https://blog.example.com/posts/x/"
    assert parsed.meta["og:site_name"] == "MyBlog.com"
    assert parsed.meta["og:image"] == "https://blog.example.com/thumbnails/x/p2/1024.jpg"
    assert parsed.meta["twitter:card"] == "summary_large_image"
    assert parsed.meta["twitter:title"] == parsed.meta["og:title"]
    assert parsed.meta["twitter:description"] == "Sum <b>"
    assert parsed.meta["article:published_time"] == "2026-11-24T09:00:00Z"
    feed = [link for link in parsed.links if link.get("type") == "application/atom+xml"]
    assert feed == [
        {"rel": "alternate", "type": "application/atom+xml", "title": "MyBlog.com",
         "href": "https://blog.example.com/feed.xml"}
    ]  # fmt: skip


def test_a_post_page_links_each_ready_photo_large_and_shows_it_small() -> None:
    page = render_post(SITE, post("x"), [photo("x", 1), photo("x", 2, status="failed")])
    assert '<a href="/thumbnails/x/p1/1024.jpg"><img src="/thumbnails/x/p1/256.jpg"' in page
    assert "p2" not in page


def test_a_post_without_photos_is_a_summary_card_and_the_home_a_website() -> None:
    parsed = Meta(render_post(SITE, post("x")))
    assert "og:image" not in parsed.meta
    assert parsed.meta["twitter:card"] == "summary"
    home = Meta(render_home(SITE, []))
    assert home.meta["og:type"] == "website"
    assert home.meta["og:url"] == SITE
    assert "article:published_time" not in home.meta


def test_every_page_links_the_feed_in_its_head_and_visibly_in_its_footer() -> None:
    site, bucket, _ = renderer([post("x")])
    site.refresh_all()
    html_pages = [path for path, kind in bucket.types.items() if kind == HTML]
    assert set(html_pages) == {
        "posts/x/index.html", "index.html", "archive/index.html", "archive/2026/11/index.html",
        "404.html",
    }  # fmt: skip
    for path in html_pages:
        page = bucket.pages[path]
        assert 'type="application/atom+xml"' in page, path
        assert '<a href="/feed.xml">Atom feed</a>' in page, path


def test_the_404_page_links_home_is_not_indexed_and_names_no_url() -> None:
    page = render_not_found(SITE)
    parsed = Meta(page)
    assert '<a href="/">' in page
    assert parsed.meta["robots"] == "noindex"
    assert "og:url" not in parsed.meta
    assert not [link for link in parsed.links if link.get("rel") == "canonical"]


def test_refresh_all_renders_every_page_with_its_content_type() -> None:
    posts = [post(f"p{i}", published=NOW - dt.timedelta(days=20 * i)) for i in range(120)]
    site, bucket, edge = renderer(posts)
    assert site.refresh_all() == len(bucket.pages)
    assert {f"posts/p{i}/index.html" for i in range(120)} <= set(bucket.pages)
    assert bucket.types["feed.xml"] == ATOM
    assert bucket.types["sitemap.xml"] == XML
    assert bucket.types["robots.txt"] == TEXT
    assert bucket.types["404.html"] == bucket.types["index.html"] == HTML
    months = [
        path for path in bucket.pages if re.fullmatch(r"archive/\d{4}/\d{2}/index.html", path)
    ]
    assert len(months) == len({p.published_at.strftime("%Y/%m") for p in posts})
    assert edge.paths[-1] == ["/*"]


def test_a_deleted_post_loses_its_page_and_its_month_entry_and_is_invalidated() -> None:
    older = post("older", published=NOW - dt.timedelta(days=1))
    posts, bucket, edge = Posts([post("gone"), older]), Bucket(), Edge()
    site = SiteRenderer(posts, bucket, edge, site_url=SITE)
    site.refresh_all()
    assert "gone" in bucket.pages["archive/2026/11/index.html"]
    posts.posts = [older]
    site.refresh_listings([site.refresh_post("gone")], {"2026/11"})
    assert "posts/gone/index.html" not in bucket.pages
    month = bucket.pages["archive/2026/11/index.html"]
    assert "/posts/gone/" not in month
    assert "/posts/older/" in month
    assert "/posts/gone/" not in bucket.pages["feed.xml"]
    assert "/posts/gone/" not in bucket.pages["sitemap.xml"]
    for url in ("/posts/gone/", "/", "/feed.xml", "/sitemap.xml", "/archive/", "/archive/2026/11/"):
        assert url in edge.paths[-1]


def test_a_month_whose_last_post_is_deleted_loses_its_page() -> None:
    posts, bucket = Posts([post("only")]), Bucket()
    site = SiteRenderer(posts, bucket, Edge(), site_url=SITE)
    site.refresh_all()
    assert "archive/2026/11/index.html" in bucket.pages
    posts.posts = []
    site.refresh_listings([site.refresh_post("only")], {"2026/11"})
    assert "archive/2026/11/index.html" not in bucket.pages
    assert "No posts yet" in bucket.pages["index.html"]
    assert "No posts yet" in bucket.pages["archive/index.html"]


def test_a_new_post_is_listed_even_before_the_feed_index_has_it() -> None:
    """The feed index (a GSI) is eventually consistent: the changed post is read directly."""

    class LaggingIndex(Posts):
        def list(
            self, limit: int, start: dict[str, str] | None
        ) -> tuple[list[Post], dict[str, str] | None]:
            return [p for p in self.posts if p.slug != "new"], None

    bucket, edge = Bucket(), Edge()
    fresh = post("new", title="Fresh", published=NOW + dt.timedelta(hours=1))
    site = SiteRenderer(LaggingIndex([post("old"), fresh]), bucket, edge, site_url=SITE)
    site.refresh_listings([site.refresh_post("new")])
    assert "Fresh" in bucket.pages["index.html"]
    assert "/posts/new/" in bucket.pages["archive/2026/11/index.html"]
    assert "/posts/new/" in bucket.pages["feed.xml"]


def test_a_photo_that_becomes_ready_re_renders_the_post_page_with_it() -> None:
    """The PhotoReady stream event reaches refresh_post with the photo's slug."""
    photos = Photos([photo("x", 1, status="pending")])
    bucket, edge = Bucket(), Edge()
    site = SiteRenderer(Posts([post("x")]), bucket, edge, photos, site_url=SITE)
    site.refresh_listings([site.refresh_post("x")])
    assert "thumbnails" not in bucket.pages["posts/x/index.html"]
    photos.photos = [photo("x", 1)]
    site.refresh_listings([site.refresh_post("x")])
    page = bucket.pages["posts/x/index.html"]
    assert 'href="/thumbnails/x/p1/1024.jpg"' in page
    assert Meta(page).meta["og:image"] == "https://blog.example.com/thumbnails/x/p1/1024.jpg"
    assert "/posts/x/" in edge.paths[-1]


def test_pretty_urls_match_the_cloudfront_function() -> None:
    assert pretty_url("/") == "/index.html"
    assert pretty_url("/posts/x") == "/posts/x/index.html"
    assert pretty_url("/posts/x/") == "/posts/x/index.html"
    assert pretty_url("/static/app.js") == "/static/app.js"
    assert pretty_url("/archive/2026/11") == "/archive/2026/11/index.html"
