"""Lambda entry for the API: Mangum around the FastAPI app, built once per environment."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from mangum import Mangum
from mangum.adapter import DEFAULT_TEXT_MIME_TYPES
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.app import create_app
from app.api.deps import API_BASE_URL_SCOPE_KEY, AUTHORIZER_CLAIMS_SCOPE_KEY
from app.api.middleware import REQUEST_ID_SCOPE_KEY
from app.bootstrap import build_container
from app.settings import get_settings

logger = Logger()


class ApiGatewayContext:
    """Moves what API Gateway tells us (stage, authorizer claims, request id) into the scope.

    On the execute-api URL the stage (`/dev`) prefixes every path but is absent from the
    event's `path`; making it the ASGI `root_path` lets `/docs` find `/dev/openapi.json`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        event: dict[str, Any] = scope.get("aws.event") or {}
        context = scope.get("aws.context")
        request_context: dict[str, Any] = event.get("requestContext") or {}
        stage = request_context.get("stage")
        domain = str(request_context.get("domainName", ""))
        if stage and domain.endswith(".amazonaws.com") and scope["type"] == "http":
            root = f"/{stage}"
            scope = {**scope, "root_path": root, "path": root + scope["path"]}
            # Where sibling services are reached: set by API Gateway, not by the caller.
            scope = {**scope, API_BASE_URL_SCOPE_KEY: f"https://{domain}{root}/"}
        claims = (request_context.get("authorizer") or {}).get("claims")
        if isinstance(claims, dict):
            scope = {**scope, AUTHORIZER_CLAIMS_SCOPE_KEY: claims}
        request_id = getattr(context, "aws_request_id", None) or request_context.get("requestId")
        if request_id:
            scope = {**scope, REQUEST_ID_SCOPE_KEY: str(request_id)}
        await self.app(scope, receive, send)


# The app's own loggers (access log, error handler) write the same structured JSON.
copy_config_to_registered_loggers(source_logger=logger, include={"app"})

_asgi = Mangum(
    ApiGatewayContext(create_app(build_container(get_settings()))),
    lifespan="off",
    # problem+json is text: without this Mangum would base64-encode every error body.
    text_mime_types=[*DEFAULT_TEXT_MIME_TYPES, "application/problem+json"],
)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """API Gateway (REST, proxy integration) -> FastAPI."""
    response: dict[str, Any] = _asgi(event, context)
    return response
