"""Previews for authors: Markdown rendered exactly as publishing would, sanitizer included.

The authoring page's live preview comes from here rather than from a second Markdown library in
the browser, so what an author sees is what readers will get. Nothing is stored. `POST
/previews`, not `/posts/preview`: a literal resource beside `/posts/{slug}` would take the path
`/posts/preview` from a post of that slug (API Gateway selects the most specific resource, then
the method, and never falls back).
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import CurrentUser, PostsDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.routing import JsonBodyRoute
from app.api.schemas.posts import Body

router = APIRouter(prefix="/previews", tags=["blog"], route_class=JsonBodyRoute)


class PreviewIn(BaseModel):
    """Markdown to preview."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"body": "# Hi\n\n**Bold** move."}]}
    )

    body: Body


class PreviewOut(BaseModel):
    """The HTML a post with this body would show: sanitized, safe to insert into a page."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"html": "<h1>Hi</h1>\n<p><strong>Bold</strong> move.</p>\n"}]
        }
    )

    html: str = Field(description="Sanitized HTML, as the published post would have it.")


@router.post(
    "",
    response_model=PreviewOut,
    operation_id="previewPost",
    summary="Render Markdown as a post would be (authors and editors)",
    responses={k: PROBLEM_RESPONSES[k] for k in (401, 403, 413, 503)},
)
def preview_post(
    body: PreviewIn, user: CurrentUser, posts: PostsDep, response: Response
) -> PreviewOut:
    """The live preview of the authoring page; nothing is stored."""
    response.headers["Cache-Control"] = "no-store"
    return PreviewOut(html=posts.preview(user, body.body))
