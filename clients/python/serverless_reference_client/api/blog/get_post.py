from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.post_out import PostOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    slug: str,
    *,
    fresh: None | str | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["if-none-match"] = if_none_match

    params: dict[str, Any] = {}

    json_fresh: None | str | Unset
    if isinstance(fresh, Unset):
        json_fresh = UNSET
    else:
        json_fresh = fresh
    params["fresh"] = json_fresh

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/posts/{slug}".format(
            slug=quote(str(slug), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | PostOut | Problem | None:
    if response.status_code == 200:
        response_200 = PostOut.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 502:
        response_502 = Problem.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = Problem.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | PostOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    fresh: None | str | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | PostOut | Problem]:
    """One post

     Public: one post with its sanitized HTML.

    Args:
        slug (str):
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.
        if_none_match (None | str | Unset): ETag you hold; 304 when unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PostOut | Problem]
    """

    kwargs = _get_kwargs(
        slug=slug,
        fresh=fresh,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    fresh: None | str | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
) -> Any | PostOut | Problem | None:
    """One post

     Public: one post with its sanitized HTML.

    Args:
        slug (str):
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.
        if_none_match (None | str | Unset): ETag you hold; 304 when unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PostOut | Problem
    """

    return sync_detailed(
        slug=slug,
        client=client,
        fresh=fresh,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    fresh: None | str | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | PostOut | Problem]:
    """One post

     Public: one post with its sanitized HTML.

    Args:
        slug (str):
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.
        if_none_match (None | str | Unset): ETag you hold; 304 when unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PostOut | Problem]
    """

    kwargs = _get_kwargs(
        slug=slug,
        fresh=fresh,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    fresh: None | str | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
) -> Any | PostOut | Problem | None:
    """One post

     Public: one post with its sanitized HTML.

    Args:
        slug (str):
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.
        if_none_match (None | str | Unset): ETag you hold; 304 when unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PostOut | Problem
    """

    return (
        await asyncio_detailed(
            slug=slug,
            client=client,
            fresh=fresh,
            if_none_match=if_none_match,
        )
    ).parsed
