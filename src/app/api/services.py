"""Which routers make up each service; a function imports only the routers it serves."""

from __future__ import annotations

import importlib
from typing import Any, Final

from fastapi import APIRouter
from fastapi.openapi.utils import get_openapi

from app.api.schemas.problem import PROBLEM_MEDIA_TYPE
from app.settings import SERVICES

PROBLEM_REF: Final = "#/components/schemas/Problem"
# Platform routes (health, docs, the spec) are served by every function; API Gateway sends
# them to the to-dos function only.
PLATFORM_ROUTERS: Final = ("app.api.routers.health", "app.api.routers.docs")
ROUTERS: Final[dict[str, tuple[str, ...]]] = {
    "todos": ("app.api.routers.todos",),
    "storage": ("app.api.routers.me",),
    "blog": ("app.api.routers.posts", "app.api.routers.previews"),
    "subscriptions": ("app.api.routers.subscriptions",),
    "photos": ("app.api.routers.photos",),
}

TAGS: Final = {
    "health": "Platform: liveness (served by the to-dos function).",
    "todos": "MyTodoList: each signed-in user's own to-dos.",
    "storage": "MyTodoList: where a user's own S3 folder is.",
    "blog": "MyBlog.com: posts, public reads, author writes.",
    "subscriptions": "MyBlog.com: newsletter subscribe and unsubscribe.",
    "photos": "MyBlog.com: photo uploads and thumbnails.",
}


def routers_of(services: tuple[str, ...]) -> list[APIRouter]:
    """The platform router and those of `services`, imported on demand (cold start)."""
    modules = (*PLATFORM_ROUTERS, *(module for s in services for module in ROUTERS[s]))
    return [importlib.import_module(module).router for module in modules]


def full_openapi(title: str, version: str, description: str) -> dict[str, Any]:
    """The whole API's spec, whichever services this process serves (what SDKs are made from)."""
    routes = [r for router in routers_of(SERVICES) for r in router.routes]
    spec: dict[str, Any] = get_openapi(
        title=title,
        version=version,
        description=description,
        routes=routes,
        tags=[{"name": tag, "description": text} for tag, text in TAGS.items()],
        # Relative to where the spec is served (OpenAPI 3.1, Server Object): `<stage>/` on the
        # execute-api URL, `/api/` through the distribution. Swagger UI's "Try it out" and any
        # client reading the spec find the API beside it.
        servers=[{"url": ".", "description": "This API, beside its spec"}],
    )
    _errors_as_problem_json(spec)
    _json_bodies(spec)
    _gateway_responses(spec)
    return spec


# What API Gateway itself may answer for any operation, before or instead of the function
# (template.yaml's GatewayResponses): clients must expect these on every call.
GATEWAY_RESPONSES: Final = {
    "429": "Throttled by API Gateway (the stage's or the method's limits); see Retry-After.",
    "502": "The function failed or answered malformed (API Gateway's own response).",
    "504": "The function did not answer within API Gateway's integration timeout.",
}


def _gateway_responses(spec: dict[str, Any]) -> None:
    for operations in spec["paths"].values():
        for operation in operations.values():
            for status, description in GATEWAY_RESPONSES.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}},
                    },
                )


def _json_bodies(spec: dict[str, Any]) -> None:
    """An operation that takes a JSON body answers 400 to malformed JSON and 415 to any other
    media type (JsonBodyRoute)."""
    for operations in spec["paths"].values():
        for operation in operations.values():
            if "requestBody" not in operation:
                continue
            for status, description in (
                ("400", "The body is not valid JSON (`malformed_json`)."),
                ("415", "The body was not sent as `application/json`."),
            ):
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}},
                    },
                )


def _errors_as_problem_json(spec: dict[str, Any]) -> None:
    """Errors are served as `application/problem+json` only: document exactly that media type.

    FastAPI puts a response `model` under `application/json`, and adds its own 422 shape
    (`HTTPValidationError`); our error handlers send neither.
    """
    for operations in spec["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                content = response.get("content", {})
                if not status.startswith(("4", "5")) or not content:
                    continue
                schema = content.pop("application/json", {}).get("schema")
                if schema is None or schema.get("$ref", "").endswith("/HTTPValidationError"):
                    schema = {"$ref": PROBLEM_REF}
                    response["description"] = "Invalid or unknown fields or parameters."
                response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": schema}}
    schemas = spec.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
