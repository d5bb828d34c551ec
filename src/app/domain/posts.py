"""Blog posts: written rarely by authors, read often by everyone."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Final

from app.domain.cursors import CursorCodec
from app.domain.errors import DomainError, NotFound, VersionConflict
from app.domain.identity import Caller
from app.domain.ports import Clock, MarkdownRenderer, PostRepository

AUTHORS_GROUP: Final = "authors"
EDITORS_GROUP: Final = "editors"
SLUG_PATTERN: Final = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX: Final = 80
TITLE_MAX: Final = 200
SUMMARY_MAX: Final = 300
BODY_MAX: Final = 20_000
_SLUG = re.compile(SLUG_PATTERN)


class SlugTaken(DomainError):
    """Another post already has this slug."""

    code = "slug_taken"


class NotAnAuthor(DomainError):
    """Only members of the `authors` group write posts."""

    code = "forbidden"


class NotYours(DomainError):
    """An author changes only what they wrote; members of `editors` change anything."""

    code = "not_yours"


def may_change(caller: Caller, owner_id: str) -> bool:
    """The owner may change their own post or photo; an editor may change anyone's."""
    return EDITORS_GROUP in caller.groups or (
        AUTHORS_GROUP in caller.groups and caller.user_id == owner_id
    )


def require_may_change(caller: Caller, owner_id: str) -> None:
    """NotAnAuthor for a reader, NotYours for another author's work."""
    if not may_change(caller, owner_id):
        if not caller.groups & {AUTHORS_GROUP, EDITORS_GROUP}:
            raise NotAnAuthor(caller.user_id)
        raise NotYours(caller.user_id)


@dataclass(frozen=True, slots=True)
class Post:
    """A published post; `html` is the sanitized rendering of the Markdown `body`."""

    slug: str
    title: str
    summary: str
    body: str
    html: str
    author_id: str
    published_at: dt.datetime
    updated_at: dt.datetime
    version: int


@dataclass(frozen=True, slots=True)
class PostDraft:
    """What an author submits."""

    slug: str
    title: str
    body: str
    summary: str = ""


@dataclass(frozen=True, slots=True)
class PostChanges:
    """A partial edit: only fields in `fields` change (the slug never does)."""

    title: str | None = None
    body: str | None = None
    summary: str | None = None
    fields: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PostPage:
    """One page of posts, newest first, and the cursor of the next."""

    items: list[Post]
    next_cursor: str | None


def is_valid_slug(slug: str) -> bool:
    """Lowercase words joined by single hyphens, at most 80 characters."""
    return len(slug) <= SLUG_MAX and _SLUG.fullmatch(slug) is not None


class PostService:
    """Publishing (authors only) and reading (everyone) posts."""

    def __init__(
        self,
        repository: PostRepository,
        renderer: MarkdownRenderer,
        cursors: CursorCodec,
        clock: Clock,
    ) -> None:
        self._repo = repository
        self._renderer = renderer
        self._cursors = cursors
        self._clock = clock

    def publish(self, author: Caller, draft: PostDraft) -> Post:
        """Publish a new post; SlugTaken when the slug is in use."""
        _require_author(author)
        now = self._clock.now()
        post = Post(
            slug=draft.slug,
            title=draft.title,
            summary=draft.summary,
            body=draft.body,
            html=self._renderer.to_safe_html(draft.body),
            author_id=author.user_id,
            published_at=now,
            updated_at=now,
            version=1,
        )
        self._repo.add(post)
        return post

    def get(self, slug: str) -> Post:
        """The post, or NotFound (without a lookup for what cannot be a slug)."""
        post = self._repo.get(slug) if is_valid_slug(slug) else None
        if post is None:
            raise NotFound(slug)
        return post

    def preview(self, author: Caller, markdown: str) -> str:
        """What `markdown` would publish as: the same sanitized HTML, nothing stored."""
        require_writer(author)
        return self._renderer.to_safe_html(markdown)

    def author_of(self, slug: str) -> str | None:
        """Who wrote the post, None when there is none (the photos service asks)."""
        post = self._repo.get(slug) if is_valid_slug(slug) else None
        return None if post is None else post.author_id

    def list(self, *, limit: int, cursor: str | None = None) -> PostPage:
        """Newest first."""
        start = self._cursors.decode(cursor, "posts") if cursor else None
        items, marker = self._repo.list(limit, start)
        return PostPage(items, self._cursors.encode(marker, "posts") if marker else None)

    def edit(
        self, author: Caller, slug: str, changes: PostChanges, *, expected_version: int | None
    ) -> Post:
        """Edit a post (its author or an editor); conditional on `expected_version` when given."""
        require_writer(author)
        current = self.get(slug)
        require_may_change(author, current.author_id)
        if expected_version is not None and current.version != expected_version:
            raise VersionConflict(slug)
        updated = current
        if "title" in changes.fields and changes.title is not None:
            updated = replace(updated, title=changes.title)
        if "summary" in changes.fields:
            updated = replace(updated, summary=changes.summary or "")
        if "body" in changes.fields and changes.body is not None:
            updated = replace(
                updated, body=changes.body, html=self._renderer.to_safe_html(changes.body)
            )
        if updated == current:
            return current
        updated = replace(updated, version=current.version + 1, updated_at=self._clock.now())
        self._repo.replace(updated, expected_version=current.version)
        return updated

    def remove(self, author: Caller, slug: str, *, expected_version: int | None) -> None:
        """Delete a post: its author or an editor (NotFound, NotYours, VersionConflict)."""
        require_writer(author)
        current = self.get(slug)
        require_may_change(author, current.author_id)
        if expected_version is not None and current.version != expected_version:
            raise VersionConflict(slug)
        if not self._repo.delete(slug, expected_version=expected_version):
            raise NotFound(slug)


def _require_author(caller: Caller) -> None:
    if AUTHORS_GROUP not in caller.groups:
        raise NotAnAuthor(caller.user_id)


def require_writer(caller: Caller) -> None:
    """Authors and editors pass; readers are refused before anything is looked up."""
    if not caller.groups & {AUTHORS_GROUP, EDITORS_GROUP}:
        raise NotAnAuthor(caller.user_id)
