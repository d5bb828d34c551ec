from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.post_list import PostList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 10,
    cursor: None | str | Unset = UNSET,
    fresh: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_fresh: None | str | Unset
    if isinstance(fresh, Unset):
        json_fresh = UNSET
    else:
        json_fresh = fresh
    params["fresh"] = json_fresh

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/posts",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PostList | Problem | None:
    if response.status_code == 200:
        response_200 = PostList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PostList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 10,
    cursor: None | str | Unset = UNSET,
    fresh: None | str | Unset = UNSET,
) -> Response[PostList | Problem]:
    """Published posts, newest first

     Public: anyone can read the blog.

    Args:
        limit (int | Unset):  Default: 10.
        cursor (None | str | Unset):
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostList | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        fresh=fresh,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 10,
    cursor: None | str | Unset = UNSET,
    fresh: None | str | Unset = UNSET,
) -> PostList | Problem | None:
    """Published posts, newest first

     Public: anyone can read the blog.

    Args:
        limit (int | Unset):  Default: 10.
        cursor (None | str | Unset):
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostList | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        fresh=fresh,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 10,
    cursor: None | str | Unset = UNSET,
    fresh: None | str | Unset = UNSET,
) -> Response[PostList | Problem]:
    """Published posts, newest first

     Public: anyone can read the blog.

    Args:
        limit (int | Unset):  Default: 10.
        cursor (None | str | Unset):
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostList | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        fresh=fresh,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 10,
    cursor: None | str | Unset = UNSET,
    fresh: None | str | Unset = UNSET,
) -> PostList | Problem | None:
    """Published posts, newest first

     Public: anyone can read the blog.

    Args:
        limit (int | Unset):  Default: 10.
        cursor (None | str | Unset):
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            fresh=fresh,
        )
    ).parsed
