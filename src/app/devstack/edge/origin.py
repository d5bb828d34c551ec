"""The site locally: its assets in the site bucket, and one origin serving pages and /api/*.

Like the CloudFront distribution: `/api/*` goes to the API (prefix stripped), everything else
comes from the site bucket with the same pretty-URL rewrite as the PrettyUrls function.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from app.domain.identity import Caller
from app.domain.posts import AUTHORS_GROUP, PostDraft, PostService

DEMO_POSTS = [
    PostDraft(
        slug="welcome",
        title="Welcome to MyBlog.com",
        summary="What this blog is and how it is built.",
        body=(
            "Every page you read here was **rendered once**, when its post was published, "
            "and is served as a static file: a visit costs no function and no table read.\n\n"
            "- posts live in a DynamoDB global table\n- a stream triggers the renderer\n"
            "- the edge caches pages until the next change"
        ),
    ),
    PostDraft(
        slug="reads-dominate",
        title="Reads dominate",
        summary="Caching at every layer, and who sees a change when.",
        body="Blogs are rarely written and often read. Cache everything that is public.",
    ),
    PostDraft(
        slug="markdown-safely",
        title="Markdown, safely",
        summary="Why a post can never run script in your browser.",
        body="Raw HTML in a post is shown as text: `<script>` stays on the page, inert.",
    ),
]


def pretty_url(path: str) -> str:
    """The PrettyUrls CloudFront Function, in Python: folders map to their index.html."""
    if path.endswith("/"):
        return path + "index.html"
    if "." not in path.rsplit("/", 1)[-1]:
        return path + "/index.html"
    return path


def seed_demo_posts(posts: PostService) -> int:
    """Publish the demo posts on an empty blog, so a newcomer sees a real one; returns how many."""
    if posts.list(limit=1).items:
        return 0
    author = Caller(user_id="demo-author", groups=frozenset({AUTHORS_GROUP}))
    for draft in DEMO_POSTS:
        posts.publish(author, draft)
    return len(DEMO_POSTS)


def site_app(api: ASGIApp, s3: Any, bucket: str, photos_bucket: str | None = None) -> Starlette:
    """One origin: `/api/*` -> the API, `/thumbnails/*` -> the photos bucket, the rest -> site."""

    async def page(request: Request) -> Response:
        path = request.url.path
        source = bucket
        if photos_bucket and path.startswith("/thumbnails/"):
            source, key = photos_bucket, path.lstrip("/")
        else:
            key = pretty_url(path).lstrip("/")
        try:
            obj = s3.get_object(Bucket=source, Key=key)
        except s3.exceptions.NoSuchKey:
            return Response(
                "<!doctype html><title>Not found</title><h1>Not found</h1>",
                status_code=404,
                media_type="text/html",
            )
        headers = {"Cache-Control": obj.get("CacheControl", ""), "ETag": obj["ETag"]}
        if request.headers.get("if-none-match") == obj["ETag"]:
            return Response(status_code=304, headers=headers)
        return Response(obj["Body"].read(), media_type=obj["ContentType"], headers=headers)

    return Starlette(routes=[Mount("/api", app=api), Route("/{path:path}", page)])
