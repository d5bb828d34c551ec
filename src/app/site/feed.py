"""What machines read: the Atom feed, the sitemap and robots.txt, rendered with the pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from html import escape
from typing import Final

from app.domain.posts import Post
from app.site.layout import SITE_DESCRIPTION, SITE_NAME, absolute, rfc3339
from app.site.pages import post_url

FEED: Final = "feed.xml"
SITEMAP: Final = "sitemap.xml"
ROBOTS: Final = "robots.txt"
FEED_POSTS: Final = 20
# The sitemaps protocol allows 50,000 URLs (and 50 MB) per file; beyond that a sitemap index
# would be needed (sitemaps.org, "Sitemap file location" and "Using Sitemap index files").
SITEMAP_MAX_URLS: Final = 50_000
ATOM_NS: Final = "http://www.w3.org/2005/Atom"
SITEMAP_NS: Final = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Characters XML 1.0 forbids even escaped (its Char production): a title holding one would make
# the whole feed unparseable, so they are dropped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """Text safe inside an XML element or a quoted attribute."""
    return escape(_NOT_XML.sub("", value))


def render_feed(site_url: str, posts: list[Post], now: dt.datetime) -> str:
    """An Atom feed (RFC 4287) of the newest posts, `posts` newest first.

    The feed is `updated` when its newest change was (`now` when it has no posts); each entry's
    id is its post's permanent absolute URL, and its content the sanitized post HTML.
    """
    newest = posts[:FEED_POSTS]
    updated = max((p.updated_at for p in newest), default=now)
    entries = "\n".join(_entry(site_url, post) for post in newest)
    home = absolute(site_url, "/")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="{ATOM_NS}">
<id>{xml_text(home)}</id>
<title>{xml_text(SITE_NAME)}</title>
<subtitle>{xml_text(SITE_DESCRIPTION)}</subtitle>
<updated>{rfc3339(updated)}</updated>
<author><name>{xml_text(SITE_NAME)}</name><uri>{xml_text(home)}</uri></author>
<link rel="self" type="application/atom+xml" href="{xml_text(absolute(site_url, FEED))}"/>
<link rel="alternate" type="text/html" href="{xml_text(home)}"/>
{entries}
</feed>
"""


def _entry(site_url: str, post: Post) -> str:
    url = xml_text(absolute(site_url, post_url(post.slug)))
    summary = post.summary or post.title
    return f"""<entry>
<id>{url}</id>
<title type="text">{xml_text(post.title)}</title>
<link rel="alternate" type="text/html" href="{url}"/>
<published>{rfc3339(post.published_at)}</published>
<updated>{rfc3339(post.updated_at)}</updated>
<summary type="text">{xml_text(summary)}</summary>
<content type="html">{xml_text(post.html)}</content>
</entry>"""


def render_sitemap(site_url: str, pages: Iterable[tuple[str, dt.datetime]]) -> str:
    """A sitemap (sitemaps.org protocol 0.9) of `(path, last modified)` pages."""
    urls = "\n".join(
        f"<url><loc>{xml_text(absolute(site_url, path))}</loc>"
        f"<lastmod>{rfc3339(modified)}</lastmod></url>"
        for path, modified in list(pages)[:SITEMAP_MAX_URLS]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="{SITEMAP_NS}">
{urls}
</urlset>
"""


def render_robots(site_url: str) -> str:
    """Crawl the site but not the API; the sitemap is where every page is listed."""
    return f"User-agent: *\nDisallow: /api/\n\nSitemap: {absolute(site_url, SITEMAP)}\n"
