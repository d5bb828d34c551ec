"""The one place where errors become HTTP: RFC 9457 problem+json, never a stack trace."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.schemas.problem import PROBLEM_MEDIA_TYPE, FieldProblem, Problem
from app.domain.errors import (
    ConcurrentModification,
    DependencyUnavailable,
    DomainError,
    IdentityRejected,
    InvalidCursor,
    NotFound,
    StorageUnavailable,
    VersionConflict,
)
from app.domain.identity import Unauthenticated
from app.domain.posts import NotAnAuthor, NotYours, SlugTaken
from app.domain.subscriptions import InvalidEmail, InvalidLink

logger = logging.getLogger(__name__)

_DOMAIN_STATUS: dict[type[DomainError], tuple[int, str]] = {
    NotFound: (404, "Nothing exists here with this id."),
    SlugTaken: (409, "Another post already has this slug."),
    InvalidEmail: (422, "That is not an email address we can send to."),
    InvalidLink: (400, "This link is invalid or expired, or its subscription has ended."),
    NotAnAuthor: (403, "Only members of the authors group may write posts."),
    NotYours: (403, "Only its author or an editor may change this."),
    VersionConflict: (412, "The resource changed since the ETag you sent; fetch it again."),
    InvalidCursor: (400, "The cursor is invalid for this query; start again without it."),
    ConcurrentModification: (409, "The resource kept changing while updating; retry."),
    StorageUnavailable: (503, "The data store is temporarily unavailable; retry shortly."),
    IdentityRejected: (401, "The identity pool did not accept your sign-in token."),
    DependencyUnavailable: (503, "A service we depend on is unavailable; retry shortly."),
}
_HTTP_CODES = {
    404: "route_not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


class ApiProblem(Exception):
    """An HTTP-level problem raised by routes or middleware (precondition syntax, body size)."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: list[FieldProblem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.errors, self.headers = errors, headers


def problem_response(
    request: Request | None,
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build a problem+json response carrying the request id."""
    request_id = request.scope.get("app.request_id") if request is not None else None
    body = Problem(
        type=f"urn:problem-type:{code}",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        request_id=request_id,
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def unauthenticated_response(
    request: Request | None, reason: str, *, token_given: bool
) -> JSONResponse:
    """401 with `WWW-Authenticate: Bearer` (RFC 6750), saying why without echoing the token."""
    challenge = 'Bearer realm="api"'
    if token_given:
        challenge += f', error="invalid_token", error_description="{reason}"'
    return problem_response(
        request, 401, Unauthenticated.code, reason, headers={"WWW-Authenticate": challenge}
    )


def _validation_problems(exc: RequestValidationError) -> tuple[int, str, str, list[FieldProblem]]:
    problems: list[FieldProblem] = []
    malformed = False
    for error in exc.errors():
        kind = str(error.get("type", ""))
        loc = [str(part) for part in error.get("loc", ())]
        message = str(error.get("msg", "invalid value"))
        if kind == "json_invalid":
            malformed = True
            problems.append(FieldProblem(pointer="#", detail="Body is not valid JSON."))
            continue
        if kind == "extra_forbidden":
            message = "Unknown field."
        where, rest = (loc[0], loc[1:]) if loc else ("body", [])
        if where == "body":
            problems.append(FieldProblem(pointer="#/" + "/".join(rest), detail=message))
        elif where == "header":
            problems.append(FieldProblem(header="/".join(rest), detail=message))
        else:
            problems.append(FieldProblem(parameter="/".join(rest), detail=message))
    if malformed:
        return 400, "malformed_json", "The request body is not valid JSON.", problems
    return 422, "validation_failed", "The request has invalid or unknown fields.", problems


def _allowed_methods(request: Request) -> str:
    """Every method any route serves at this path (Starlette names only the first route's)."""
    routes: list[tuple[re.Pattern[str], set[str]]] = request.app.state.route_methods
    path = request.scope["path"][len(request.scope.get("root_path", "")) :]
    methods = {m for pattern, found in routes if pattern.match(path) for m in found}
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every failure into problem+json."""

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, code, detail, problems = _validation_problems(exc)
        return problem_response(request, status, code, detail, errors=problems)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        detail = {
            404: "No such route.",
            405: "This route does not support that method.",
        }.get(exc.status_code, HTTPStatus(exc.status_code).phrase)
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        return problem_response(request, exc.status_code, code, detail, headers=headers)

    @app.exception_handler(ApiProblem)
    async def on_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.code, exc.detail, errors=exc.errors, headers=exc.headers
        )

    @app.exception_handler(Unauthenticated)
    async def on_unauthenticated(request: Request, exc: Unauthenticated) -> JSONResponse:
        token_given = bool(request.headers.get("authorization"))
        return unauthenticated_response(request, exc.reason, token_given=token_given)

    @app.exception_handler(DomainError)
    async def on_domain(request: Request, exc: DomainError) -> JSONResponse:
        status, detail = _DOMAIN_STATUS.get(type(exc), (400, "The request cannot be done."))
        if status == 401:
            return unauthenticated_response(request, detail, token_given=True)
        headers = {"Retry-After": "1"} if status == 503 else None
        return problem_response(request, status, exc.code, detail, headers=headers)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", extra={"error_type": type(exc).__name__})
        return problem_response(request, 500, "internal_error", "An unexpected error occurred.")


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": description}
    for status, description in {
        400: "Malformed JSON, an invalid cursor, or a malformed If-Match / If-None-Match.",
        403: "Signed in, but not allowed: not in the authors group (`forbidden`), or another "
        "author's post or photo (`not_yours`).",
        409: "Conflict (e.g. the slug is taken).",
        401: "Missing, expired or invalid ID token (`WWW-Authenticate: Bearer`).",
        404: "Not found (another user's to-do is not found either).",
        412: "`If-Match` does not match the current ETag.",
        413: "Request body too large.",
        422: "Invalid or unknown fields.",
        503: "Data store temporarily unavailable.",
    }.items()
}
