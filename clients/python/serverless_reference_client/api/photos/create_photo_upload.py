from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.photo_upload_request import PhotoUploadRequest
from ...models.problem import Problem
from ...models.upload_ticket_out import UploadTicketOut
from ...types import Response


def _get_kwargs(
    slug: str,
    *,
    body: PhotoUploadRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/posts/{slug}/photos".format(
            slug=quote(str(slug), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | UploadTicketOut | None:
    if response.status_code == 201:
        response_201 = UploadTicketOut.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

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
) -> Response[Problem | UploadTicketOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PhotoUploadRequest,
) -> Response[Problem | UploadTicketOut]:
    """Start a photo upload (the post's author, or an editor)

     A presigned POST for one JPEG, PNG or WebP file (the type declared) up to 15 MiB, for a
    new pending photo; a photo never uploaded stops being listed after an hour.

    Args:
        slug (str):
        body (PhotoUploadRequest): The type of the file you will upload: S3 accepts that type
            only.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UploadTicketOut]
    """

    kwargs = _get_kwargs(
        slug=slug,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PhotoUploadRequest,
) -> Problem | UploadTicketOut | None:
    """Start a photo upload (the post's author, or an editor)

     A presigned POST for one JPEG, PNG or WebP file (the type declared) up to 15 MiB, for a
    new pending photo; a photo never uploaded stops being listed after an hour.

    Args:
        slug (str):
        body (PhotoUploadRequest): The type of the file you will upload: S3 accepts that type
            only.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UploadTicketOut
    """

    return sync_detailed(
        slug=slug,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PhotoUploadRequest,
) -> Response[Problem | UploadTicketOut]:
    """Start a photo upload (the post's author, or an editor)

     A presigned POST for one JPEG, PNG or WebP file (the type declared) up to 15 MiB, for a
    new pending photo; a photo never uploaded stops being listed after an hour.

    Args:
        slug (str):
        body (PhotoUploadRequest): The type of the file you will upload: S3 accepts that type
            only.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UploadTicketOut]
    """

    kwargs = _get_kwargs(
        slug=slug,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PhotoUploadRequest,
) -> Problem | UploadTicketOut | None:
    """Start a photo upload (the post's author, or an editor)

     A presigned POST for one JPEG, PNG or WebP file (the type declared) up to 15 MiB, for a
    new pending photo; a photo never uploaded stops being listed after an hour.

    Args:
        slug (str):
        body (PhotoUploadRequest): The type of the file you will upload: S3 accepts that type
            only.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UploadTicketOut
    """

    return (
        await asyncio_detailed(
            slug=slug,
            client=client,
            body=body,
        )
    ).parsed
