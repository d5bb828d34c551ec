"""The blog service: public reads (cacheable everywhere), writes by the `authors` group."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.api.deps import CACHED_READ, CurrentUser, PostsDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.etags import IfMatch, IfNoneMatch, etag_for, if_none_match_hits, versions_from_if_match
from app.api.routing import JsonBodyRoute
from app.api.schemas.posts import PostCreate, PostList, PostOut, PostPatch, PostSummaryOut
from app.domain.posts import PostChanges, PostDraft

router = APIRouter(prefix="/posts", tags=["blog"], route_class=JsonBodyRoute)

# Readers see an edit within a minute in browsers and five at the edge, unless the edge is
# invalidated on publish (the render function does that for the site's pages).
PUBLIC = "public, max-age=60, s-maxage=300"
_WRITE_ERRORS = (400, 401, 403, 404, 409, 412, 413, 422, 503)


def _single_version(if_match: str | None) -> int | None:
    versions = versions_from_if_match(if_match)
    if versions is None:
        return None
    return next(iter(versions)) if len(versions) == 1 else -1  # -1 matches no stored version


@router.get(
    "",
    response_model=PostList,
    operation_id="listPosts",
    dependencies=CACHED_READ,
    summary="Published posts, newest first",
    responses={k: PROBLEM_RESPONSES[k] for k in (400, 422, 503)},
    openapi_extra={"security": []},
)
def list_posts(
    posts: PostsDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> PostList:
    """Public: anyone can read the blog."""
    page = posts.list(limit=limit, cursor=cursor)
    response.headers["Cache-Control"] = PUBLIC
    return PostList(items=[PostSummaryOut.of(p) for p in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{slug}",
    response_model=PostOut,
    operation_id="getPost",
    name="getPost",
    dependencies=CACHED_READ,
    summary="One post",
    responses={
        304: {"description": "Not modified (If-None-Match)."},
        **{k: PROBLEM_RESPONSES[k] for k in (400, 404, 503)},
    },
    openapi_extra={"security": []},
)
def get_post(
    slug: str, posts: PostsDep, response: Response, if_none_match: IfNoneMatch = None
) -> PostOut | Response:
    """Public: one post with its sanitized HTML."""
    post = posts.get(slug)
    headers = {"ETag": etag_for(post.version), "Cache-Control": PUBLIC}
    if if_none_match_hits(if_none_match, headers["ETag"]):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    response.headers.update(headers)
    return PostOut.of(post)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PostOut,
    operation_id="createPost",
    summary="Publish a post (authors)",
    responses={k: PROBLEM_RESPONSES[k] for k in _WRITE_ERRORS if k not in (404, 412)},
)
def create_post(
    body: PostCreate, user: CurrentUser, posts: PostsDep, request: Request, response: Response
) -> PostOut:
    """Authors only; 409 when the slug is taken."""
    post = posts.publish(
        user, PostDraft(slug=body.slug, title=body.title, body=body.body, summary=body.summary)
    )
    response.headers["Location"] = str(request.url_for("getPost", slug=post.slug))
    response.headers["ETag"] = etag_for(post.version)
    response.headers["Cache-Control"] = "no-store"
    return PostOut.of(post)


@router.patch(
    "/{slug}",
    response_model=PostOut,
    operation_id="updatePost",
    summary="Edit a post (its author, or an editor)",
    responses={k: PROBLEM_RESPONSES[k] for k in _WRITE_ERRORS if k != 409},
)
def update_post(
    slug: str,
    body: PostPatch,
    user: CurrentUser,
    posts: PostsDep,
    response: Response,
    if_match: IfMatch = None,
) -> PostOut:
    """Its author or a member of `editors` (403 `not_yours` for another author's post);
    `If-Match` makes it conditional."""
    changes = PostChanges(
        title=body.title,
        body=body.body,
        summary=body.summary,
        fields=frozenset(body.model_fields_set),
    )
    post = posts.edit(user, slug, changes, expected_version=_single_version(if_match))
    response.headers["ETag"] = etag_for(post.version)
    response.headers["Cache-Control"] = "no-store"
    return PostOut.of(post)


@router.delete(
    "/{slug}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deletePost",
    summary="Delete a post (its author, or an editor)",
    responses={k: PROBLEM_RESPONSES[k] for k in (400, 401, 403, 404, 412, 503)},
)
def delete_post(
    slug: str, user: CurrentUser, posts: PostsDep, if_match: IfMatch = None
) -> Response:
    """Its author or a member of `editors` (403 `not_yours` for another author's post)."""
    posts.remove(user, slug, expected_version=_single_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
