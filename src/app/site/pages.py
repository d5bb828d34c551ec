"""Pre-rendered pages: complete HTML that reads fully with JavaScript off."""

from __future__ import annotations

from html import escape
from pathlib import Path

from app.domain.photos import Photo
from app.domain.posts import Post

STATIC = Path(__file__).resolve().parent / "static"
SITE_NAME = "MyBlog.com"
HOME_POSTS = 50


def _page(title: str, description: str, main: str, canonical: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<meta name="description" content="{escape(description)}">
<meta property="og:title" content="{escape(title)}">
<meta property="og:description" content="{escape(description)}">
<meta property="og:type" content="article">
<link rel="canonical" href="{escape(canonical)}">
<link rel="stylesheet" href="/static/style.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header><a class="brand" href="/">{SITE_NAME}</a></header>
<main id="content">
{main}
</main>
<footer><p>Rarely written, often read. Pages are rendered when a post changes.</p></footer>
</body>
</html>
"""


def _date(post: Post) -> str:
    published = post.published_at
    return f'<time datetime="{published.isoformat()}">{published:%d %B %Y}</time>'


def post_path(slug: str) -> str:
    """Where a post's page is stored (served at `/posts/{slug}/`)."""
    return f"posts/{slug}/index.html"


def _figures(photos: list[Photo]) -> str:
    ready = [p for p in photos if p.status == "ready" and "256" in p.thumbnails]
    if not ready:
        return ""
    items = "\n".join(
        f'<li><a href="{escape(p.thumbnails.get("1024", p.thumbnails["256"]))}">'
        f'<img src="{escape(p.thumbnails["256"])}" alt="Photo {n} of this post" loading="lazy">'
        "</a></li>"
        for n, p in enumerate(ready, 1)
    )
    return f'<section aria-label="Photos"><ul class="photos">\n{items}\n</ul></section>'


def render_post(post: Post, photos: list[Photo] | None = None) -> str:
    """A post's page with its photos' thumbnails; `post.html` is already sanitized."""
    main = f"""<article>
<h1>{escape(post.title)}</h1>
<p class="meta">Published {_date(post)}</p>
<div class="body">
{post.html}
</div>
{_figures(photos or [])}
</article>
<p><a href="/">All posts</a></p>"""
    description = post.summary or post.title
    return _page(f"{post.title} | {SITE_NAME}", description, main, f"/posts/{post.slug}/")


def render_home(posts: list[Post]) -> str:
    """The home page: the newest posts and the subscribe form."""
    items = "\n".join(
        f"""<li><article><h2><a href="/posts/{escape(p.slug)}/">{escape(p.title)}</a></h2>
<p class="meta">{_date(p)}</p><p>{escape(p.summary)}</p></article></li>"""
        for p in posts[:HOME_POSTS]
    )
    empty = "" if posts else "<p>No posts yet.</p>"
    more = (
        f'<p><button type="button" id="more" data-after="{len(posts)}" hidden>'
        "Older posts</button></p>"
        if len(posts) >= HOME_POSTS
        else ""
    )
    main = f"""<h1>{SITE_NAME}</h1>
<section aria-labelledby="latest"><h2 id="latest">Latest posts</h2>
<ol class="posts" id="posts">
{items}
</ol>{empty}{more}</section>
<section aria-labelledby="subscribe"><h2 id="subscribe">Subscribe</h2>
<form id="subscribe-form" method="post" action="/api/subscriptions">
<label for="email">Email address</label>
<input id="email" name="email" type="email" required autocomplete="email">
<button type="submit">Subscribe</button>
<p id="subscribe-status" role="status">
Subscribing needs JavaScript. The address is used for the newsletter only.</p>
</form></section>"""
    return _page(SITE_NAME, "A blog, rendered to static pages.", main, "/")
