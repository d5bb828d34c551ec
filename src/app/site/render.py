"""Keeping the static site in step with the posts: render, publish, invalidate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Final, Protocol

from app.domain.photos import PhotoCatalog
from app.domain.ports import PostRepository
from app.domain.posts import Post
from app.site.archive import (
    ARCHIVE_INDEX,
    by_month,
    month_of,
    month_path,
    month_url,
    render_archive_index,
    render_archive_month,
)
from app.site.feed import FEED, ROBOTS, SITEMAP, render_feed, render_robots, render_sitemap
from app.site.layout import ARCHIVE_PATH
from app.site.pages import (
    HOME_POSTS,
    NOT_FOUND,
    post_path,
    post_url,
    render_home,
    render_not_found,
    render_post,
)

HOME: Final = "index.html"
HTML: Final = "text/html; charset=utf-8"
ATOM: Final = "application/atom+xml; charset=utf-8"
XML: Final = "application/xml; charset=utf-8"
TEXT: Final = "text/plain; charset=utf-8"
_LISTING_PAGE: Final = 100


class SitePublisher(Protocol):
    """Where pages live (the site bucket)."""

    def put_page(self, path: str, body: str, content_type: str = HTML) -> None:
        """Store a page at `path` (no leading slash), served with `content_type`."""

    def delete_page(self, path: str) -> None:
        """Remove a page (absent is fine)."""


class CdnInvalidator(Protocol):
    """Tells the edge that paths changed."""

    def invalidate(self, paths: list[str]) -> None:
        """Drop cached copies of `paths` (leading slash)."""


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _served_at(path: str) -> list[str]:
    """The URLs a stored page answers: `a/index.html` is also `/a/`."""
    if path.endswith(HOME):
        return ["/" + path.removesuffix(HOME), f"/{path}"]
    return [f"/{path}"]


class SiteRenderer:
    """Renders from the table's current state, so redelivered or reordered events converge."""

    def __init__(
        self,
        posts: PostRepository,
        publisher: SitePublisher,
        invalidator: CdnInvalidator,
        photos: PhotoCatalog | None = None,
        *,
        site_url: str,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._posts = posts
        self._publisher = publisher
        self._invalidator = invalidator
        self._photos = photos
        self._site_url = site_url
        self._clock = clock

    def refresh_post(self, slug: str) -> str:
        """Render the post's page, or remove it when the post is gone; returns the slug."""
        post = self._posts.get(slug)
        path = post_path(slug)
        if post is None:
            self._publisher.delete_page(path)
        else:
            photos = self._photos.list_for(slug) if self._photos else []
            self._publisher.put_page(path, render_post(self._site_url, post, photos))
        return slug

    def refresh_all(self) -> int:
        """Render every page, and invalidate everything; returns the pages rendered."""
        posts = self._all_posts()
        for post in posts:
            self.refresh_post(post.slug)
        months = by_month(posts)
        self._listings(posts, months, set(months))
        self._invalidator.invalidate(["/*"])
        return len(posts) + len(months) + 6  # home, feed, sitemap, robots, 404, archive

    def refresh_listings(self, changed: list[str], months: Iterable[str] = ()) -> None:
        """After the pages of the `changed` slugs: home, feed, sitemap, the archive index and the
        archive months of the changed posts and of `months` (where removed posts were listed),
        then invalidate all of them at the edge."""
        posts = self._with_current(self._all_posts(), changed)
        grouped = by_month(posts)
        present = {post.slug: post for post in posts}
        touched = set(months) | {month_of(present[s]) for s in changed if s in present}
        written = self._listings(posts, grouped, touched)
        paths = [url for slug in changed for url in (post_url(slug), f"/{post_path(slug)}")]
        paths += [url for path in written for url in _served_at(path)]
        self._invalidator.invalidate(sorted(set(paths)))

    def _listings(
        self, posts: list[Post], months: dict[str, list[Post]], touched: set[str]
    ) -> list[str]:
        """Render the listings and the `touched` months (an emptied month's page is removed);
        returns the paths whose content depends on the posts."""
        site, put = self._site_url, self._publisher.put_page
        put(HOME, render_home(site, posts[:HOME_POSTS]))
        put(FEED, render_feed(site, posts, self._clock()), ATOM)
        put(ARCHIVE_INDEX, render_archive_index(site, months))
        for month in sorted(touched):
            if month in months:
                put(month_path(month), render_archive_month(site, month, months[month]))
            else:
                self._publisher.delete_page(month_path(month))
        put(SITEMAP, render_sitemap(site, self._sitemap_pages(posts, months)), XML)
        # Independent of the posts, but rendered with them so a new deployment's first publish
        # brings them (and a changed site URL) along.
        put(ROBOTS, render_robots(site), TEXT)
        put(NOT_FOUND, render_not_found(site))
        changed = [HOME, FEED, ARCHIVE_INDEX, SITEMAP]
        return changed + [month_path(month) for month in sorted(touched)]

    def _sitemap_pages(
        self, posts: list[Post], months: dict[str, list[Post]]
    ) -> list[tuple[str, dt.datetime]]:
        newest = max((p.updated_at for p in posts), default=self._clock())
        pages = [("/", newest), (ARCHIVE_PATH, newest)]
        pages += [
            (month_url(month), max(p.updated_at for p in listed))
            for month, listed in months.items()
        ]
        return pages + [(post_url(p.slug), p.updated_at) for p in posts]

    def _with_current(self, posts: list[Post], slugs: list[str]) -> list[Post]:
        """The listing with the changed posts as a strongly consistent read has them: the feed
        index a listing reads is eventually consistent (a GSI), so it may lag the stream."""
        current = {slug: self._posts.get(slug) for slug in set(slugs)}
        kept = [post for post in posts if post.slug not in current]
        kept += [post for post in current.values() if post is not None]
        return sorted(kept, key=lambda p: (p.published_at, p.slug), reverse=True)

    def _all_posts(self) -> list[Post]:
        """Every post, newest first (the sitemap and archive list them all)."""
        posts: list[Post] = []
        start = None
        while True:
            page, start = self._posts.list(_LISTING_PAGE, start)
            posts += page
            if start is None:
                return posts
