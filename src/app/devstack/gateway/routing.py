"""Which route a request reaches, as API Gateway (REST) selects it.

A path is matched segment by segment on its encoded form (an encoded `/`, `%2F`, stays inside its
segment); where several resources match, the most specific wins: a literal segment before a
`{param}`, and `{param}` before a greedy `{proxy+}`. A resource without the request's method (and
without ANY) does not answer it: API Gateway then responds MISSING_AUTHENTICATION_TOKEN, as for a
path no resource matches. Path parameter values reach the function decoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from app.devstack.gateway.spec import Route

_LITERAL, _PARAM, _GREEDY = 0, 1, 2


@dataclass(frozen=True)
class Match:
    """The selected route and the path parameters it binds."""

    route: Route
    path_parameters: dict[str, str]


class Router:
    """Routes by resource path, then by method."""

    def __init__(self, routes: list[Route]) -> None:
        self._resources: dict[str, dict[str, Route]] = {}
        for route in routes:
            self._resources.setdefault(route.resource, {})[route.method] = route
        self._compiled = [
            (resource, [self._kind(s) for s in resource.strip("/").split("/") if s])
            for resource in self._resources
        ]

    @staticmethod
    def _kind(segment: str) -> tuple[int, str]:
        if segment.startswith("{") and segment.endswith("+}"):
            return _GREEDY, segment[1:-2]
        if segment.startswith("{") and segment.endswith("}"):
            return _PARAM, segment[1:-1]
        return _LITERAL, segment

    def match(self, method: str, raw_path: str) -> Match | None:
        """The route for `method` on `raw_path` (percent-encoded, without the stage), if any."""
        segments = [s for s in raw_path.strip("/").split("/") if s] if raw_path != "/" else []
        best: tuple[tuple[int, ...], str, dict[str, str]] | None = None
        for resource, pattern in self._compiled:
            bound = self._bind(pattern, segments)
            if bound is None:
                continue
            rank, parameters = bound
            if best is None or rank < best[0]:
                best = (rank, resource, parameters)
        if best is None:
            return None
        methods = self._resources[best[1]]
        route = methods.get(method) or methods.get("ANY")
        return None if route is None else Match(route, best[2])

    @staticmethod
    def _bind(
        pattern: list[tuple[int, str]], segments: list[str]
    ) -> tuple[tuple[int, ...], dict[str, str]] | None:
        parameters: dict[str, str] = {}
        rank: list[int] = []
        for index, (kind, name) in enumerate(pattern):
            if kind == _GREEDY:
                rest = segments[index:]
                if not rest:
                    return None
                parameters[name] = unquote("/".join(rest))
                rank.append(_GREEDY)
                return tuple(rank), parameters
            if index >= len(segments):
                return None
            if kind == _LITERAL and segments[index] != name:
                return None
            if kind == _PARAM:
                parameters[name] = unquote(segments[index])
            rank.append(kind)
        if len(pattern) != len(segments):
            return None
        return tuple(rank), parameters
