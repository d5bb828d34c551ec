"""Posts in a DynamoDB global table through PynamoDB: key = slug, a feed index newest first."""

from __future__ import annotations

import re
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DeleteError, PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from app.adapters.todos_dynamodb import bind_to_table, translated_errors
from app.domain.errors import InvalidCursor, VersionConflict
from app.domain.posts import Post, SlugTaken

FEED_INDEX = "Feed"
_PUBLISHED = re.compile(r"^(\d{4})-(\d{2})-")
FEED = "all"  # one feed partition: a blog's writes are rare, its feed is small


class PostItem(Model):
    """Attribute layout of the posts table."""

    slug = UnicodeAttribute(hash_key=True)
    feed = UnicodeAttribute(default=FEED)
    feed_key = UnicodeAttribute(attr_name="feedKey")
    title = UnicodeAttribute()
    summary = UnicodeAttribute(default="")
    body = UnicodeAttribute()
    html = UnicodeAttribute()
    author_id = UnicodeAttribute(attr_name="authorId")
    published_at = UTCDateTimeAttribute(attr_name="publishedAt")
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt")
    version = NumberAttribute()


class _FeedIndex(GlobalSecondaryIndex["PostItem"]):  # type: ignore[no-untyped-call]
    feed = UnicodeAttribute(hash_key=True)
    feed_key = UnicodeAttribute(range_key=True, attr_name="feedKey")


def bind_post_model(
    table_name: str, region: str, host: str | None = None
) -> tuple[type[PostItem], _FeedIndex]:
    """A model bound to one posts table, and its feed index."""

    class BoundFeedIndex(_FeedIndex):  # type: ignore[no-untyped-call]
        class Meta:
            index_name = FEED_INDEX
            projection = AllProjection()

    class BoundPostItem(PostItem):
        class Meta:
            pass

        by_feed = BoundFeedIndex()

    bind_to_table(BoundPostItem, table_name, region, host)
    return BoundPostItem, BoundPostItem.by_feed


def published_month(image: dict[str, Any]) -> str | None:
    """`YYYY/MM` of a stream image's `publishedAt` (`2026-11-24T09:00:00.000000+0000`), or None
    when the image is not a post's."""
    value = image.get(PostItem.published_at.attr_name, {}).get("S")
    match = _PUBLISHED.match(value) if isinstance(value, str) else None
    return f"{match[1]}/{match[2]}" if match else None


def feed_key(post: Post) -> str:
    """Sorts by publication time, ties broken by slug."""
    return f"{post.published_at.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{post.slug}"


class DynamoPostRepository:
    """PostRepository on DynamoDB; slugs are unique by a conditional put."""

    def __init__(self, model: type[PostItem], feed: _FeedIndex) -> None:
        self._model = model
        self._feed = feed

    def add(self, post: Post) -> None:
        """Insert; SlugTaken when the slug exists."""
        try:
            with translated_errors():
                self._to_item(post).save(condition=self._model.slug.does_not_exist())
        except PutError as exc:
            raise SlugTaken(post.slug) from exc

    def get(self, slug: str) -> Post | None:
        """Strongly consistent read of one post."""
        with translated_errors():
            try:
                item = self._model.get(slug, consistent_read=True)
            except self._model.DoesNotExist:
                return None
        return _to_post(item)

    def list(
        self, limit: int, start_after: dict[str, str] | None
    ) -> tuple[list[Post], dict[str, str] | None]:
        """Newest first from the feed index; one extra item tells whether there is more."""
        start = None
        if start_after is not None:
            if set(start_after) != {"slug", "feed", "feedKey"} or start_after["feed"] != FEED:
                raise InvalidCursor("cursor does not match this query")
            start = {name: {"S": value} for name, value in start_after.items()}
        with translated_errors():
            results = self._feed.query(
                FEED,
                scan_index_forward=False,
                limit=limit + 1,
                page_size=limit + 1,
                last_evaluated_key=start,
            )
            posts = [_to_post(item) for item in results]
        more = len(posts) > limit
        posts = posts[:limit]
        marker = None
        if more and posts:
            marker = {"slug": posts[-1].slug, "feed": FEED, "feedKey": feed_key(posts[-1])}
        return posts, marker

    def replace(self, post: Post, *, expected_version: int) -> None:
        """Overwrite only if the stored version is still `expected_version`."""
        try:
            with translated_errors():
                self._to_item(post).save(condition=self._model.version == expected_version)
        except PutError as exc:
            raise VersionConflict(post.slug) from exc

    def delete(self, slug: str, *, expected_version: int | None) -> bool:
        """Delete if present (and at `expected_version`); False when absent."""
        condition = self._model.slug.exists()
        if expected_version is not None:
            condition &= self._model.version == expected_version
        try:
            with translated_errors():
                self._model(slug).delete(condition=condition)
        except DeleteError:
            if expected_version is not None and self.get(slug) is not None:
                raise VersionConflict(slug) from None
            return False
        return True

    def _to_item(self, post: Post) -> PostItem:
        return self._model(
            post.slug,
            feed=FEED,
            feed_key=feed_key(post),
            title=post.title,
            summary=post.summary,
            body=post.body,
            html=post.html,
            author_id=post.author_id,
            published_at=post.published_at,
            updated_at=post.updated_at,
            version=post.version,
        )


def _to_post(item: PostItem) -> Post:
    return Post(
        slug=item.slug,
        title=item.title,
        summary=item.summary or "",
        body=item.body,
        html=item.html,
        author_id=item.author_id,
        published_at=item.published_at,
        updated_at=item.updated_at,
        version=int(item.version),
    )
