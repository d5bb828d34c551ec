"""Lambda entry for the API: Mangum around the FastAPI app, built once per environment."""

from __future__ import annotations

import gc

# Init allocates some 100,000 long-lived objects (modules, classes, schemas, routes), and the
# cyclic collector would scan them again and again while they are made (~8% of a cold start,
# measured): it is paused until init is done, and what init built is then frozen out of every
# later collection (Python docs, gc.freeze), which also spares warm invocations those scans.
gc.disable()

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from mangum import Mangum
from mangum.adapter import DEFAULT_TEXT_MIME_TYPES
from starlette.types import ASGIApp, Receive, Scope, Send

from app.adapters.metrics import POSTS_PUBLISHED, TODOS_CREATED, BusinessMetrics
from app.adapters.snapstart import register_runtime_hooks
from app.api.app import create_app
from app.api.deps import API_BASE_URL_SCOPE_KEY, AUTHORIZER_CLAIMS_SCOPE_KEY
from app.api.middleware import REQUEST_ID_SCOPE_KEY
from app.bootstrap import Container, build_container
from app.settings import get_settings

logger = Logger()
# What the business counts, by route (API Gateway's `resource`) and answer.
COUNTED = {("POST", "/todos", 201): TODOS_CREATED, ("POST", "/posts", 201): POSTS_PUBLISHED}


class ApiGatewayContext:
    """Moves what API Gateway tells us (stage, authorizer claims, request id) into the scope.

    The client's path (`requestContext.path`, e.g. `/dev/todos` on the execute-api URL) may carry
    a prefix the event's `path` (`/todos`) lacks: the stage, or a custom domain's base path.
    Making that prefix the ASGI `root_path` lets `/docs` find `/dev/openapi.json`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        event: dict[str, Any] = scope.get("aws.event") or {}
        context = scope.get("aws.context")
        request_context: dict[str, Any] = event.get("requestContext") or {}
        client_path = str(request_context.get("path") or "")
        event_path = str(event.get("path") or "")
        domain = str(request_context.get("domainName", ""))
        if scope["type"] == "http" and domain and client_path.endswith(event_path):
            root = client_path[: len(client_path) - len(event_path)].rstrip("/")
            scope = {**scope, "root_path": root, "path": root + scope["path"]}
            # Where sibling services are reached: the domain API Gateway names, never the Host
            # header; https unless the gateway says otherwise (the local stack's serves http).
            headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
            scheme = "http" if headers.get("x-forwarded-proto") == "http" else "https"
            scope = {**scope, API_BASE_URL_SCOPE_KEY: f"{scheme}://{domain}{root}/"}
        claims = (request_context.get("authorizer") or {}).get("claims")
        if isinstance(claims, dict):
            scope = {**scope, AUTHORIZER_CLAIMS_SCOPE_KEY: claims}
        request_id = getattr(context, "aws_request_id", None) or request_context.get("requestId")
        if request_id:
            scope = {**scope, REQUEST_ID_SCOPE_KEY: str(request_id)}
        await self.app(scope, receive, send)


def make_handler(
    container: Container, metrics: BusinessMetrics | None = None
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda handler around an app built on `container`."""
    counts = metrics or BusinessMetrics()
    asgi = Mangum(
        ApiGatewayContext(create_app(container)),
        lifespan="off",
        # problem+json is text: without this Mangum would base64-encode every error body.
        text_mime_types=[*DEFAULT_TEXT_MIME_TYPES, "application/problem+json"],
    )

    @logger.inject_lambda_context(clear_state=True)
    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        """API Gateway (REST, proxy integration) -> FastAPI."""
        response: dict[str, Any] = asgi(event, context)
        route = (event.get("httpMethod"), event.get("resource"), response.get("statusCode"))
        if route in COUNTED:
            counts.count(COUNTED[route])
            counts.flush()
        return response

    return handle


try:
    # The app's own loggers (access log, error handler) write the same structured JSON.
    copy_config_to_registered_loggers(source_logger=logger, include={"app"})
    _container = build_container(get_settings())
    _container.load_keys()  # at init: a function that cannot read its signing keys fails to start
    handler = make_handler(_container)
    # SnapStart (the API functions publish versions with it): see Container.after_restore.
    register_runtime_hooks(_container.before_snapshot, _container.after_restore)
finally:
    gc.freeze()
    gc.enable()
