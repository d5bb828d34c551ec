"""Blog post request and response bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictStr, StringConstraints, field_validator
from pydantic.alias_generators import to_camel
from pydantic.config import JsonDict

from app.domain.posts import BODY_MAX, SLUG_MAX, SLUG_PATTERN, SUMMARY_MAX, TITLE_MAX, Post

SUMMARY_EXAMPLE: JsonDict = {
    "slug": "hello-world",
    "title": "Hello",
    "summary": "First post.",
    "publishedAt": "2026-11-27T09:30:00.000Z",
    "updatedAt": "2026-11-27T09:30:00.000Z",
    "authorId": "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
}
POST_EXAMPLE: JsonDict = {
    **SUMMARY_EXAMPLE,
    "body": "# Hi\n\nFirst post.",
    "html": "<h1>Hi</h1>\n<p>First post.</p>\n",
    "version": 1,
}

Slug = Annotated[StrictStr, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX)]
Title = Annotated[StrictStr, StringConstraints(min_length=1, max_length=TITLE_MAX)]
Body = Annotated[StrictStr, StringConstraints(min_length=1, max_length=BODY_MAX)]
Summary = Annotated[StrictStr, StringConstraints(max_length=SUMMARY_MAX)]


class _Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class PostCreate(_Body):
    """A new post; `body` is Markdown (raw HTML in it is shown as text, never run)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"slug": "hello-world", "title": "Hello", "body": "# Hi\n\nFirst post."}]
        }
    )

    slug: Slug
    title: Title
    body: Body
    summary: Summary = ""


class PostPatch(_Body):
    """A partial edit; the slug never changes."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"title": "Hello again"}]})

    title: Title | None = None
    body: Body | None = None
    summary: Summary | None = None

    @field_validator("title", "body")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class _Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class PostSummaryOut(_Out):
    """A post in a list."""

    model_config = ConfigDict(json_schema_extra={"examples": [SUMMARY_EXAMPLE]})

    slug: str
    title: str
    summary: str
    published_at: dt.datetime
    updated_at: dt.datetime
    author_id: str = Field(
        description="Who wrote it (the user's `sub`): they, or a member of `editors`, may edit it."
    )

    @classmethod
    def of(cls, post: Post) -> PostSummaryOut:
        """Represent a domain post."""
        return cls(
            slug=post.slug,
            title=post.title,
            summary=post.summary,
            published_at=post.published_at,
            updated_at=post.updated_at,
            author_id=post.author_id,
        )


class PostOut(PostSummaryOut):
    """A whole post: Markdown `body` and its sanitized `html`."""

    model_config = ConfigDict(json_schema_extra={"examples": [POST_EXAMPLE]})

    body: str
    html: str = Field(description="Sanitized HTML: safe to insert into a page.")
    version: int

    @classmethod
    def of(cls, post: Post) -> PostOut:
        """Represent a domain post."""
        summary = PostSummaryOut.of(post).model_dump()
        return cls(
            **summary,
            body=post.body,
            html=post.html,
            version=post.version,
        )


class PostList(_Out):
    """One page of posts, newest first."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [SUMMARY_EXAMPLE], "nextCursor": None}]}
    )

    items: list[PostSummaryOut]
    next_cursor: str | None
