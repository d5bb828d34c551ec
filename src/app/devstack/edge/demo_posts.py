"""A blog that is not empty on first run: three demo posts, published as an author would.

They go through the API (the gateway, the posts function, its stream, the renderer) with a local
author's ID token, so a newcomer's first page is rendered by the same path every post takes.
"""

from __future__ import annotations

import httpx

from app.devstack.cognito.users import DEFAULT_LOCAL_PASSWORD, sign_in

DEMO_AUTHOR = "demo-author@example.com"

DEMO_POSTS: list[dict[str, str]] = [
    {
        "slug": "welcome",
        "title": "Welcome to MyBlog.com",
        "summary": "What this blog is and how it is built.",
        "body": (
            "Every page you read here was **rendered once**, when its post was published, "
            "and is served as a static file: a visit costs no function and no table read.\n\n"
            "- posts live in a DynamoDB global table\n- a stream triggers the renderer\n"
            "- the edge caches pages until the next change"
        ),
    },
    {
        "slug": "reads-dominate",
        "title": "Reads dominate",
        "summary": "Caching at every layer, and who sees a change when.",
        "body": "Blogs are rarely written and often read. Cache everything that is public.",
    },
    {
        "slug": "markdown-safely",
        "title": "Markdown, safely",
        "summary": "Why a post can never run script in your browser.",
        "body": "Raw HTML in a post is shown as text: `<script>` stays on the page, inert.",
    },
]


def seed_demo_posts(api_url: str, outputs: dict[str, str], verify: str | bool = True) -> int:
    """Publish the demo posts when the blog has none; returns how many were published."""
    with httpx.Client(base_url=api_url, timeout=30, verify=verify) as http:
        listing = http.get("posts", params={"limit": "1"})
        listing.raise_for_status()
        if listing.json()["items"]:
            return 0
        tokens = sign_in(outputs, DEMO_AUTHOR, DEFAULT_LOCAL_PASSWORD, ("authors",))
        headers = {"Authorization": f"Bearer {tokens['IdToken']}"}
        for post in DEMO_POSTS:
            http.post("posts", json=post, headers=headers).raise_for_status()
    return len(DEMO_POSTS)
