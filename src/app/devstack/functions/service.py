"""The Lambda service, locally: every function of the template, invoked by name.

Each function gets a pool of worker processes with exactly its template Environment (plus what
Lambda and the local stack add), its Timeout and MemorySize, from its `sam build` artifact when that
is current and from source otherwise. The gateway and the event source pollers invoke through here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.devstack.functions.code import LOCAL_ONLY, locate_code
from app.devstack.functions.environment import lambda_environment
from app.devstack.functions.pool import DEFAULT_MAX_ENVIRONMENTS, FunctionPool, Invocation
from app.devstack.functions.worker import CodeLocation
from app.devstack.provisioning.model import FunctionSpec


class LocalLambda:
    """Function pools by logical id; functions with inline code (custom resources) are left out."""

    def __init__(
        self,
        functions: dict[str, FunctionSpec],
        *,
        project: Path,
        build: Path | None,
        logs: Path,
        local_environment: Callable[[FunctionSpec], dict[str, str]],
        report: Callable[[Invocation], None] = lambda _invocation: None,
        max_environments: int = DEFAULT_MAX_ENVIRONMENTS,
    ) -> None:
        """`local_environment(spec)`: what the local stack adds (endpoints, fake credentials)."""
        self._project = project
        self._report = report
        self.pools: dict[str, FunctionPool] = {}
        self.skipped = sorted(name for name, spec in functions.items() if spec.code_uri is None)
        for name, spec in functions.items():
            if spec.code_uri is None:
                continue
            code = locate_code(spec, project, build)
            self.pools[name] = FunctionPool(
                spec,
                code,
                lambda_environment(spec, code, local_environment(spec)),
                logs / f"{name}.log",
                report=report,
                max_environments=max_environments,
            )

    def invoke(self, function: str, event: Any) -> Invocation:
        """One synchronous invocation (RequestResponse) of the function with this logical id."""
        return self.pools[function].invoke(event)

    def handler(self, function: str) -> Callable[[Any], Any]:
        """The function as a callable that returns its result or raises FunctionError."""
        return self.pools[function].as_handler()

    def invocations(self) -> dict[str, int]:
        """Invocations so far, by function."""
        return {name: pool.invocations for name, pool in self.pools.items()}

    def source_changed(self, changed: set[Path]) -> dict[str, int]:
        """Hot reload: replace the environments that run code from the changed files.

        A function running from source restarts the environments that imported a changed file;
        one running from its artifact switches to source (the artifact is older now) and restarts
        all of them. Returns the environments retired, by function.
        """
        retired: dict[str, int] = {}
        for name, pool in self.pools.items():
            source = (self._project / str(pool.spec.code_uri)).resolve()
            inside = {
                path.resolve().relative_to(source).as_posix()
                for path in changed
                if path.resolve().is_relative_to(source)
            }
            inside = {path for path in inside if not path.startswith(LOCAL_ONLY)}
            if not inside:
                continue
            if pool.code.built:
                count = pool.use_code(CodeLocation(source, built=False))
            else:
                count = pool.retire(inside)
            if count:
                retired[name] = count
        return retired

    def stop(self) -> None:
        """Stop every worker."""
        for pool in self.pools.values():
            pool.stop()
