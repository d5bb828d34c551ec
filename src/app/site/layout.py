"""What every page shares: the head (description, Open Graph, Twitter, the feed), header, footer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from typing import Final

SITE_NAME: Final = "MyBlog.com"
SITE_DESCRIPTION: Final = "A blog, rendered to static pages."
FEED_PATH: Final = "/feed.xml"
ARCHIVE_PATH: Final = "/archive/"


def absolute(site_url: str, path: str) -> str:
    """`path` (leading slash) under the site's base URL (`https://example.com/`)."""
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def rfc3339(moment: dt.datetime) -> str:
    """UTC with a `Z`, as Atom (RFC 4287 section 3.3) and the sitemaps protocol want."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page says about itself to browsers, search engines and link previews."""

    title: str
    description: str
    path: str | None  # None: no canonical URL (the 404 page is served at every missing path)
    kind: str = "website"  # og:type: `article` for posts
    image: str | None = None  # a path on this site (a thumbnail)
    published: dt.datetime | None = None
    modified: dt.datetime | None = None
    indexable: bool = True


def _meta(site_url: str, meta: PageMeta) -> str:
    def tag(attribute: str, name: str, value: str) -> str:
        return f'<meta {attribute}="{name}" content="{escape(value)}">'

    lines = [
        tag("name", "description", meta.description),
        tag("property", "og:site_name", SITE_NAME),
        tag("property", "og:title", meta.title),
        tag("property", "og:description", meta.description),
        tag("property", "og:type", meta.kind),
    ]
    if meta.path is not None:
        url = absolute(site_url, meta.path)
        lines += [tag("property", "og:url", url), f'<link rel="canonical" href="{escape(url)}">']
    if meta.image:
        lines.append(tag("property", "og:image", absolute(site_url, meta.image)))
    if meta.published:
        lines.append(tag("property", "article:published_time", rfc3339(meta.published)))
    if meta.modified:
        lines.append(tag("property", "article:modified_time", rfc3339(meta.modified)))
    card = "summary_large_image" if meta.image else "summary"
    lines += [
        tag("name", "twitter:card", card),
        tag("name", "twitter:title", meta.title),
        tag("name", "twitter:description", meta.description),
    ]
    if meta.image:
        lines.append(tag("name", "twitter:image", absolute(site_url, meta.image)))
    if not meta.indexable:
        lines.append(tag("name", "robots", "noindex"))
    feed = escape(absolute(site_url, FEED_PATH))
    lines.append(
        f'<link rel="alternate" type="application/atom+xml" title="{SITE_NAME}" href="{feed}">'
    )
    return "\n".join(lines)


def page(site_url: str, meta: PageMeta, main: str) -> str:
    """A complete HTML page around `main` (already escaped HTML)."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(meta.title)}</title>
{_meta(site_url, meta)}
<link rel="stylesheet" href="/static/style.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header><a class="brand" href="/">{SITE_NAME}</a></header>
<main id="content">
{main}
</main>
<footer><p>Rarely written, often read. Pages are rendered when a post changes.</p>
<p><a href="{FEED_PATH}">Atom feed</a> · <a href="{ARCHIVE_PATH}">Archive</a></p></footer>
</body>
</html>
"""
