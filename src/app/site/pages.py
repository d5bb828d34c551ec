"""Pre-rendered pages: complete HTML that reads fully with JavaScript off."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Final

from app.domain.photos import Photo
from app.domain.posts import Post
from app.site.layout import ARCHIVE_PATH, SITE_DESCRIPTION, SITE_NAME, PageMeta, page

STATIC = Path(__file__).resolve().parent / "static"
HOME_POSTS: Final = 50
NOT_FOUND: Final = "404.html"


def post_date(post: Post) -> str:
    """The publication date as a `<time>` element."""
    published = post.published_at
    return f'<time datetime="{published.isoformat()}">{published:%d %B %Y}</time>'


def post_path(slug: str) -> str:
    """Where a post's page is stored (served at `/posts/{slug}/`)."""
    return f"posts/{slug}/index.html"


def post_url(slug: str) -> str:
    """The post's page as readers link it."""
    return f"/posts/{slug}/"


def _ready(photos: list[Photo]) -> list[Photo]:
    return [p for p in photos if p.status == "ready" and "256" in p.thumbnails]


def _large(photo: Photo) -> str:
    return photo.thumbnails.get("1024", photo.thumbnails["256"])


def _figures(ready: list[Photo]) -> str:
    if not ready:
        return ""
    items = "\n".join(
        f'<li><a href="{escape(_large(p))}">'
        f'<img src="{escape(p.thumbnails["256"])}" alt="Photo {n} of this post" loading="lazy">'
        "</a></li>"
        for n, p in enumerate(ready, 1)
    )
    return f'<section aria-label="Photos"><ul class="photos">\n{items}\n</ul></section>'


def render_post(site_url: str, post: Post, photos: list[Photo] | None = None) -> str:
    """A post's page with its photos' thumbnails; `post.html` is already sanitized."""
    ready = _ready(photos or [])
    main = f"""<article>
<h1>{escape(post.title)}</h1>
<p class="meta">Published {post_date(post)}</p>
<div class="body">
{post.html}
</div>
{_figures(ready)}
</article>
<p><a href="/">All posts</a> · <a href="{ARCHIVE_PATH}">Archive</a></p>"""
    meta = PageMeta(
        title=f"{post.title} | {SITE_NAME}",
        description=post.summary or post.title,
        path=post_url(post.slug),
        kind="article",
        image=_large(ready[0]) if ready else None,
        published=post.published_at,
        modified=post.updated_at,
    )
    return page(site_url, meta, main)


def post_list(posts: list[Post]) -> str:
    """The items of a list of posts: linked title, date, summary."""
    return "\n".join(
        f"""<li><article><h2><a href="{escape(post_url(p.slug))}">{escape(p.title)}</a></h2>"""
        f"""\n<p class="meta">{post_date(p)}</p><p>{escape(p.summary)}</p>"""
        "</article></li>"
        for p in posts
    )


def render_home(site_url: str, posts: list[Post]) -> str:
    """The home page: the newest posts, the way to older ones, and the subscribe form."""
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
{post_list(posts[:HOME_POSTS])}
</ol>{empty}{more}
<p><a href="{ARCHIVE_PATH}">Every post, by month</a></p></section>
<section aria-labelledby="subscribe"><h2 id="subscribe">Subscribe</h2>
<form id="subscribe-form" method="post" action="/api/subscriptions">
<label for="email">Email address</label>
<input id="email" name="email" type="email" required autocomplete="email">
<button type="submit">Subscribe</button>
<p id="subscribe-status" role="status">
Subscribing needs JavaScript. The address is used for the newsletter only.</p>
</form></section>"""
    return page(site_url, PageMeta(SITE_NAME, SITE_DESCRIPTION, "/"), main)


def render_not_found(site_url: str) -> str:
    """The page the edge serves, with status 404, for any path the site does not have."""
    main = """<h1>Page not found</h1>
<p>There is no page at this address: it may have moved, or the post was deleted.</p>
<p><a href="/">Go to the home page</a> or browse the <a href="/archive/">archive</a>.</p>"""
    meta = PageMeta(
        f"Page not found | {SITE_NAME}",
        "There is no page at this address.",
        path=None,
        indexable=False,
    )
    return page(site_url, meta, main)
