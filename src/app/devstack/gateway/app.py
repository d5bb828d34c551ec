"""The local API Gateway: one REST API stage, built from the template, in front of the functions.

A request goes through what API Gateway does, in its order: the stage in the path, the payload
limit (10 MB), the route (resource and method), throttling, the Cognito authorizer, the stage
cache, then the Lambda proxy integration (a synchronous invoke with the integration timeout), and
the response back. Every refusal is the API's gateway response of the right type.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, quote

from starlette.types import Receive, Scope, Send

from app.devstack.functions.pool import Invocation
from app.devstack.gateway.authorizer import CognitoAuthorizers, Denied
from app.devstack.gateway.cache import CachedResponse, StageCache, cache_key
from app.devstack.gateway.events import (
    GatewayRequest,
    MalformedResponse,
    proxy_event,
    read_response,
)
from app.devstack.gateway.requests import event_size, forwarded, preflight, read_body
from app.devstack.gateway.responses import render
from app.devstack.gateway.routing import Router
from app.devstack.gateway.served import Reply, Served
from app.devstack.gateway.spec import ApiSpec, Route
from app.devstack.gateway.throttling import Throttle

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's REST API payload quota
MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024  # Lambda's synchronous invocation payload quota
Invoke = Callable[[str, dict[str, Any]], Invocation]


class LocalApiGateway:
    """An ASGI app answering as the API's stage does."""

    def __init__(
        self,
        spec: ApiSpec,
        invoke: Invoke,
        authorizers: CognitoAuthorizers | None,
        *,
        domain_name: str,
        scheme: str = "http",
        log: Callable[[Served], None] = lambda _served: None,
    ) -> None:
        """`domain_name`: the host (and port) clients reach the stage at, as execute-api's."""
        self.spec = spec
        self.cache = StageCache()
        self._invoke = invoke
        self._authorizers = authorizers
        self._router = Router(spec.routes)
        self._throttle = Throttle()
        self._domain_name = domain_name
        self._scheme = scheme
        self._log = log
        # Invocations block on a worker; they run beside the event loop, many at a time.
        self._executor = ThreadPoolExecutor(max_workers=64, thread_name_prefix="invoke")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request."""
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        request_id = str(uuid.uuid4())
        raw_path = (scope.get("raw_path") or quote(scope["path"]).encode()).decode("latin-1")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        reply = await self._handle(scope, receive, raw_path, headers, request_id)
        sent = [
            *((k, v) for k, v in reply.headers if k.lower() != "content-length"),
            ("Content-Length", str(len(reply.body))),
            ("x-amzn-RequestId", request_id),
        ]
        # The console line is written before the answer leaves: a client that has its answer
        # finds the line (tests read the console right after a request).
        elapsed = (time.perf_counter() - started) * 1000
        self._log(Served(scope["method"], raw_path, elapsed, reply))
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in sent],
            }
        )
        await send({"type": "http.response.body", "body": reply.body})

    def _error(
        self,
        response_type: str,
        message: str,
        context: dict[str, str],
        headers: list[tuple[str, str]],
        status: int | None = None,
    ) -> Reply:
        rendered = render(
            self.spec.gateway_responses, response_type, message, context, headers, status
        )
        return Reply(rendered.status, rendered.headers, rendered.body, refusal=response_type)

    async def _handle(
        self,
        scope: Scope,
        receive: Receive,
        raw_path: str,
        headers: list[tuple[str, str]],
        request_id: str,
    ) -> Reply:
        method = scope["method"]
        stage, _, rest = raw_path.lstrip("/").partition("/")
        if stage != self.spec.stage:  # no such stage: not even the API's gateway responses
            json_type = [("Content-Type", "application/json")]
            return Reply(403, json_type, b'{"message":"Forbidden"}', note="no such stage")
        path = "/" + rest
        context = {
            "requestId": request_id,
            "stage": stage,
            "httpMethod": method,
            "path": raw_path,
            "apiId": self.spec.api_id,
            "domainName": self._domain_name,
        }
        body = await read_body(receive, MAX_PAYLOAD_BYTES)
        if body is None:
            return self._error("REQUEST_TOO_LARGE", "Request Too Long", context, headers)
        match = self._router.match(method, path)
        if match is None:
            cors = preflight(self.spec.cors) if method == "OPTIONS" else None
            if cors is not None:
                return Reply(200, cors, b"{}", note="CORS preflight")
            return self._error(
                "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", context, headers
            )
        route = match.route
        context["resourcePath"] = route.resource
        setting = self.spec.setting(route.resource, route.method)
        if not self._throttle.allow(
            route.resource, route.method, setting.rate_limit, setting.burst_limit
        ):
            return self._error("THROTTLED", "Too Many Requests", context, headers)
        claims = self._authorize(route, headers, context)
        if isinstance(claims, Reply):
            return claims
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        key = None
        if self.spec.cache_enabled and setting.caching:
            key = cache_key(route, match.path_parameters, headers, query)
            refresh = any(
                k.lower() == "cache-control" and "max-age=0" in v.replace(" ", "").lower()
                for k, v in headers
            )
            # Nobody is authorized to invalidate locally (no IAM): the stage's strategy decides.
            # Which response type AWS uses for FAIL_WITH_403 is not documented: ACCESS_DENIED.
            if refresh and self.spec.invalidation_requires_authorization:
                if self.spec.unauthorized_invalidation == "FAIL_WITH_403":
                    message = "Not authorized to invalidate the cache (execute-api:InvalidateCache)"
                    return self._error("ACCESS_DENIED", message, context, headers)
                refresh = False
            cached = None if refresh else self.cache.get(key)
            if cached is not None:
                return Reply(
                    cached.status, cached.headers, cached.body, route.function, cached=True
                )
        request = GatewayRequest(
            method=method,
            raw_path=path,
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=forwarded(headers, scope, self._scheme),
            body=body,
            source_ip=(scope.get("client") or ("127.0.0.1", 0))[0],
            domain_name=self._domain_name,
            stage=stage,
            request_id=request_id,
            api_id=self.spec.api_id,
        )
        event = proxy_event(
            request, route.resource, match.path_parameters, claims, self.spec.binary_media_types
        )
        reply = await self._integrate(route, event, headers, context)
        if key is not None and reply.function is not None:
            self.cache.put(
                key,
                CachedResponse(reply.status, reply.headers, reply.body),
                setting.cache_ttl_seconds,
            )
        return reply

    def _authorize(
        self, route: Route, headers: list[tuple[str, str]], context: dict[str, str]
    ) -> dict[str, str] | Reply | None:
        """The authorizer's claims (None on an open route), or the refusal to send."""
        if route.authorizer is None:
            return None
        authorizer = self.spec.authorizers.get(route.authorizer)
        if authorizer is None or self._authorizers is None:
            message = "Authorizer not supported locally"
            return self._error("AUTHORIZER_CONFIGURATION_ERROR", message, context, headers)
        value = next((v for k, v in headers if k.lower() == authorizer.header.lower()), None)
        try:
            return self._authorizers.authorize(authorizer, route.scopes, value)
        except Denied as denied:
            return self._error(denied.response_type, denied.message, context, headers)

    async def _integrate(
        self,
        route: Route,
        event: dict[str, Any],
        headers: list[tuple[str, str]],
        context: dict[str, str],
    ) -> Reply:
        """The Lambda proxy integration: invoke, then read the response as API Gateway does."""
        if len(event.get("body") or "") > MAX_INVOKE_PAYLOAD_BYTES // 2 and (
            event_size(event) > MAX_INVOKE_PAYLOAD_BYTES
        ):
            # Lambda refuses the invoke; API Gateway answers 500 (Lambda developer guide).
            return self._error("DEFAULT_5XX", "Internal server error", context, headers, 500)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, self._invoke, route.function, event)
        try:
            invocation = await asyncio.wait_for(asyncio.shield(future), route.timeout_ms / 1000)
        except TimeoutError:
            timed_out = self._error(
                "INTEGRATION_TIMEOUT", "Endpoint request timed out", context, headers
            )
            return replace(timed_out, function=route.function)
        failed = self._error("DEFAULT_5XX", "Internal server error", context, headers, 502)
        failed = replace(failed, function=route.function, invocation=invocation)
        if not invocation.ok:
            return failed
        accept = next((v for k, v in headers if k.lower() == "accept"), "")
        try:
            response = read_response(invocation.result, accept, self.spec.binary_media_types)
        except MalformedResponse as malformed:
            return replace(failed, note=f"malformed Lambda proxy response: {malformed}")
        if len(response.body) > MAX_INVOKE_PAYLOAD_BYTES:
            return replace(failed, note="response larger than Lambda's 6 MB payload quota")
        return Reply(
            response.status, response.headers, response.body, route.function, invocation=invocation
        )

    def close(self) -> None:
        """Stop taking invocations."""
        self._executor.shutdown(wait=False, cancel_futures=True)
