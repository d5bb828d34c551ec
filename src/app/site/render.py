"""Keeping the static site in step with the posts: render, publish, invalidate."""

from __future__ import annotations

from typing import Protocol

from app.domain.photos import PhotoCatalog
from app.domain.ports import PostRepository
from app.site.pages import HOME_POSTS, post_path, render_home, render_post

HOME = "index.html"


class SitePublisher(Protocol):
    """Where pages live (the site bucket)."""

    def put_page(self, path: str, html: str) -> None:
        """Store a page at `path` (no leading slash)."""

    def delete_page(self, path: str) -> None:
        """Remove a page (absent is fine)."""


class CdnInvalidator(Protocol):
    """Tells the edge that paths changed."""

    def invalidate(self, paths: list[str]) -> None:
        """Drop cached copies of `paths` (leading slash)."""


class SiteRenderer:
    """Renders from the table's current state, so redelivered or reordered events converge."""

    def __init__(
        self,
        posts: PostRepository,
        publisher: SitePublisher,
        invalidator: CdnInvalidator,
        photos: PhotoCatalog | None = None,
    ) -> None:
        self._posts = posts
        self._publisher = publisher
        self._invalidator = invalidator
        self._photos = photos

    def refresh_post(self, slug: str) -> str:
        """Render the post's page, or remove it when the post is gone; returns its path."""
        post = self._posts.get(slug)
        path = post_path(slug)
        if post is None:
            self._publisher.delete_page(path)
        else:
            photos = self._photos.list_for(slug) if self._photos else []
            self._publisher.put_page(path, render_post(post, photos))
        return path

    def refresh_all(self) -> int:
        """Render every post and the home page, and invalidate everything; returns the pages."""
        changed: list[str] = []
        start = None
        while True:
            posts, start = self._posts.list(HOME_POSTS, start)
            changed += [self.refresh_post(post.slug) for post in posts]
            if start is None:
                break
        self.refresh_home(changed)
        self._invalidator.invalidate(["/*"])
        return len(changed) + 1

    def refresh_home(self, changed: list[str]) -> None:
        """Render the home page and invalidate it with the changed pages."""
        posts, _ = self._posts.list(HOME_POSTS, None)
        self._publisher.put_page(HOME, render_home(posts))
        paths = ["/", f"/{HOME}"]
        for path in changed:
            folder = "/" + path.removesuffix("index.html")
            paths += [folder, f"/{path}"]
        self._invalidator.invalidate(sorted(set(paths)))
