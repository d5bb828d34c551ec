"""The FastAPI app factory: routers, middleware and error handlers; nothing else."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.api.errors import install_error_handlers
from app.api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from app.api.services import full_openapi, routers_of
from app.api.validators import ConditionalGetMiddleware
from app.bootstrap import Container

PUBLIC_DOCS = "public, max-age=300, s-maxage=300"
DESCRIPTION = """
MyTodoList's REST API. Private routes need a Cognito user pool **ID token** as a bearer token.
Every error is an RFC 9457 `application/problem+json` document with a stable `code`.
Writes accept `If-Match` with the ETag of a read; a stale one gets 412.
"""


def create_app(container: Container) -> FastAPI:
    """Build the API around an already-wired container."""
    app = FastAPI(
        title="Serverless reference API",
        version="1.0.0",
        description=DESCRIPTION,
        docs_url=None,  # served by routers/docs.py, without a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
        # No route ends with "/": a trailing slash (or an id ending in an encoded one, which the
        # event's decoded `path` turns into a slash) is a 404, not a 307 to a guessed URL.
        redirect_slashes=False,
        # The spec names its server relative to itself (services.full_openapi), which holds under
        # every prefix a client sees; the root path FastAPI would add is API Gateway's view only.
        root_path_in_servers=False,
    )
    app.state.container = container
    install_error_handlers(app)
    routers = routers_of(container.settings.services)
    for router in routers:
        # Its routes are complete as declared (prefix, dependencies, responses): added as they
        # are, not through include_router, whose routes FastAPI (0.16x) builds a second time
        # on the first request, that request paying ~10 ms per route with a response model.
        app.router.routes.extend(router.routes)
    spec: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        # The whole API, built on first request: a function serving one service documents all.
        if not spec:
            spec.update(full_openapi(app.title, app.version, DESCRIPTION))
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
    # For the 405 `Allow` header: every method each path serves, across routes.
    app.state.route_methods = [
        (route.path_regex, set(route.methods or ()))
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    app.add_middleware(
        ConditionalGetMiddleware,
        public_paths=dict.fromkeys(("/docs", "/openapi.json"), PUBLIC_DOCS),
        private="private, no-cache",
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=container.settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    return app
