"""The Atom feed, the sitemap, robots.txt and the archive pages, parsed as their readers would."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from app.adapters.posts_dynamodb import published_month
from app.site.archive import by_month, render_archive_index, render_archive_month
from app.site.feed import FEED_POSTS, render_feed, render_robots, render_sitemap
from tests.unit.test_site_pages import NOW, SITE, post, renderer

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse(document: str) -> ET.Element:
    """Our own renderer's output (no entities, no DTD), so the stdlib parser is safe here."""
    return ET.fromstring(document)  # noqa: S314


HOSTILE = 'Tom & "Jerry" <script>alert(1)</script> ]]> \x0b\x00'


def test_the_feed_is_atom_with_an_entry_per_newest_post() -> None:
    posts = [
        post(f"p{i}", title=f"Post {i}", published=NOW - dt.timedelta(days=i)) for i in range(30)
    ]
    feed = parse(render_feed(SITE, posts, NOW + dt.timedelta(days=9)))
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == SITE
    assert feed.findtext(f"{ATOM}title") == "MyBlog.com"
    assert feed.findtext(f"{ATOM}updated") == "2026-11-24T09:00:00Z"  # the newest change
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "MyBlog.com"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": f"{SITE}feed.xml", "alternate": SITE}
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == FEED_POSTS
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == f"{SITE}posts/p0/"
    assert first.findtext(f"{ATOM}title") == "Post 0"
    assert first.find(f"{ATOM}link").get("href") == f"{SITE}posts/p0/"  # type: ignore[union-attr]
    assert first.findtext(f"{ATOM}published") == "2026-11-24T09:00:00Z"
    assert first.findtext(f"{ATOM}updated") == "2026-11-24T09:00:00Z"
    assert first.findtext(f"{ATOM}summary") == "Sum <b>"
    content = first.find(f"{ATOM}content")
    assert content is not None
    assert content.get("type") == "html"
    assert content.text == "<p>body</p>"  # the sanitized HTML, escaped once in the XML


def test_an_empty_feed_is_still_valid_and_updated_now() -> None:
    feed = parse(render_feed(SITE, [], NOW))
    assert feed.findtext(f"{ATOM}updated") == "2026-11-24T09:00:00Z"
    assert feed.findall(f"{ATOM}entry") == []


def test_hostile_titles_and_summaries_stay_text_in_every_format() -> None:
    hostile = post("x", title=HOSTILE, summary=HOSTILE)
    entry = parse(render_feed(SITE, [hostile], NOW)).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == 'Tom & "Jerry" <script>alert(1)</script> ]]> '
    months = by_month([hostile])
    for page in (
        render_archive_index(SITE, months),
        render_archive_month(SITE, "2026/11", [hostile]),
    ):
        assert "<script>" not in page
    assert "&lt;script&gt;" in render_archive_month(SITE, "2026/11", [hostile])


def test_the_sitemap_lists_every_page_with_its_last_change() -> None:
    posts = [post("new"), post("old", published=dt.datetime(2025, 1, 31, 23, 59, tzinfo=dt.UTC))]
    site, bucket, _ = renderer(posts)
    site.refresh_all()
    urlset = parse(bucket.pages["sitemap.xml"])
    assert urlset.tag == f"{SITEMAP}urlset"
    entries = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in urlset.findall(f"{SITEMAP}url")
    }
    assert entries == {
        SITE: "2026-11-24T09:00:00Z",
        f"{SITE}archive/": "2026-11-24T09:00:00Z",
        f"{SITE}archive/2026/11/": "2026-11-24T09:00:00Z",
        f"{SITE}archive/2025/01/": "2025-01-31T23:59:00Z",
        f"{SITE}posts/new/": "2026-11-24T09:00:00Z",
        f"{SITE}posts/old/": "2025-01-31T23:59:00Z",
    }


def test_sitemap_urls_are_escaped() -> None:
    urlset = parse(render_sitemap("https://x.example/?a=1&b=2", [("/", NOW)]))
    assert urlset.findtext(f"{SITEMAP}url/{SITEMAP}loc") == "https://x.example/?a=1&b=2/"


def test_robots_points_at_the_sitemap() -> None:
    robots = render_robots(SITE)
    assert f"Sitemap: {SITE}sitemap.xml" in robots.splitlines()
    assert "User-agent: *" in robots.splitlines()


def test_the_archive_groups_by_utc_month_newest_first() -> None:
    posts = [
        post("a", published=dt.datetime(2026, 11, 1, 0, 30, tzinfo=dt.UTC)),
        post("b", published=dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC)),
        post("c", published=dt.datetime(2026, 11, 20, tzinfo=dt.UTC)),
        post("d", published=dt.datetime(2024, 2, 29, tzinfo=dt.UTC)),
    ]
    months = by_month(posts)
    assert {m: [p.slug for p in ps] for m, ps in months.items()} == {
        "2026/11": ["c", "a"], "2026/10": ["b"], "2024/02": ["d"],
    }  # fmt: skip
    index = render_archive_index(SITE, months)
    assert index.index('id="y2026"') < index.index('id="y2024"')
    assert '<a href="/archive/2026/11/">November 2026</a> (2 posts)' in index
    assert '<a href="/archive/2024/02/">February 2024</a> (1 post)' in index
    month = render_archive_month(SITE, "2026/11", months["2026/11"])
    assert month.index("/posts/c/") < month.index("/posts/a/")
    assert "/posts/b/" not in month


def test_the_home_page_links_the_archive() -> None:
    site, bucket, _ = renderer([post("x")])
    site.refresh_all()
    assert '<a href="/archive/">' in bucket.pages["index.html"].split("<footer>")[0]


@pytest.mark.parametrize(
    ("image", "month"),
    [
        ({"publishedAt": {"S": "2026-11-03T00:00:00.000000+0000"}}, "2026/11"),
        ({"slug": {"S": "x"}, "status": {"S": "ready"}}, None),  # a photo's image
        ({}, None),
    ],
)
def test_a_stream_image_tells_the_month_a_removed_post_was_listed_in(
    image: dict[str, dict[str, str]], month: str | None
) -> None:
    assert published_month(image) == month
