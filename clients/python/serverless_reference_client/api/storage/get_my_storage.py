from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.storage_out import StorageOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    fresh: None | str | Unset = UNSET,
) -> dict[str, Any]:

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
        "url": "/me/storage",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | StorageOut | None:
    if response.status_code == 200:
        response_200 = StorageOut.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[Problem | StorageOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    fresh: None | str | Unset = UNSET,
) -> Response[Problem | StorageOut]:
    """Where my own S3 folder is, and how full

     Bucket, folder and identity pool (reach your files directly with temporary
    credentials), and your usage against your quota.

    Args:
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StorageOut]
    """

    kwargs = _get_kwargs(
        fresh=fresh,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    fresh: None | str | Unset = UNSET,
) -> Problem | StorageOut | None:
    """Where my own S3 folder is, and how full

     Bucket, folder and identity pool (reach your files directly with temporary
    credentials), and your usage against your quota.

    Args:
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StorageOut
    """

    return sync_detailed(
        client=client,
        fresh=fresh,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    fresh: None | str | Unset = UNSET,
) -> Response[Problem | StorageOut]:
    """Where my own S3 folder is, and how full

     Bucket, folder and identity pool (reach your files directly with temporary
    credentials), and your usage against your quota.

    Args:
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StorageOut]
    """

    kwargs = _get_kwargs(
        fresh=fresh,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    fresh: None | str | Unset = UNSET,
) -> Problem | StorageOut | None:
    """Where my own S3 folder is, and how full

     Bucket, folder and identity pool (reach your files directly with temporary
    credentials), and your usage against your quota.

    Args:
        fresh (None | str | Unset): Any value not used before: bypasses shared caches after your
            write.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StorageOut
    """

    return (
        await asyncio_detailed(
            client=client,
            fresh=fresh,
        )
    ).parsed
