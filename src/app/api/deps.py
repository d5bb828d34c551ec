"""Dependencies as typed aliases: routes read like their signatures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.bootstrap import Container
from app.domain.errors import DependencyUnavailable
from app.domain.identity import Caller, Unauthenticated, caller_from_claims
from app.domain.posts import PostService
from app.domain.storage import StorageService
from app.domain.todos import TodoService

AUTHORIZER_CLAIMS_SCOPE_KEY = "app.authorizer_claims"
# The API's own base URL as API Gateway's request context names it (never the Host header).
API_BASE_URL_SCOPE_KEY = "app.api_base_url"

_bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="A Cognito user pool **ID token** (`make user EMAIL=...` prints one locally).",
)


def get_container(request: Request) -> Container:
    """The container the app was built with."""
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The caller's raw ID token, for calls made on their behalf (API Gateway forwards it)."""
    if credentials is None:
        raise Unauthenticated("a bearer ID token is required")
    return credentials.credentials


def get_current_user(
    request: Request,
    container: ContainerDep,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller, from the claims API Gateway's Cognito authorizer verified and passed on.

    The app never verifies tokens itself: on AWS and in the local stack alike, the gateway's
    authorizer does, before the function runs. (The bearer dependency documents the scheme.)
    The authorizer accepts a token of any app client of the pool; this API is the mobile app's,
    so a token issued to another client is refused here.
    """
    claims = request.scope.get(AUTHORIZER_CLAIMS_SCOPE_KEY)
    if not isinstance(claims, dict) or not claims:
        raise Unauthenticated("authentication is required")
    client_id = container.settings.user_pool_client_id
    if client_id and claims.get("aud") != client_id:
        raise Unauthenticated("token was issued for another client")
    return caller_from_claims(claims)


CurrentUser = Annotated[Caller, Depends(get_current_user)]
BearerToken = Annotated[str, Depends(get_bearer_token)]


def configured[T](service: T | None, what: str) -> T:
    """A service the container built, or 503 when its settings are absent in this function."""
    if service is None:
        raise DependencyUnavailable(f"{what} are not configured")
    return service


def get_todo_service(container: ContainerDep) -> TodoService:
    """The to-do use cases (needs TODOS_TABLE and CURSOR_KEYS)."""
    return configured(container.todos, "to-dos")


TodosDep = Annotated[TodoService, Depends(get_todo_service)]


def get_storage_service(container: ContainerDep) -> StorageService:
    """Where users' own files live (needs IDENTITY_POOL_ID and USER_FILES_BUCKET)."""
    return configured(container.storage, "user files")


StorageDep = Annotated[StorageService, Depends(get_storage_service)]


def get_post_service(container: ContainerDep) -> PostService:
    """The blog's use cases (needs POSTS_TABLE)."""
    return configured(container.posts, "posts")


PostsDep = Annotated[PostService, Depends(get_post_service)]


def accept_fresh(
    fresh: Annotated[
        str | None,
        Query(
            max_length=64,
            description="Any value not used before: bypasses shared caches after your write.",
        ),
    ] = None,
) -> None:
    """Shared caches (the API Gateway stage cache) key on `fresh`; the app ignores its value.

    After a write, a client reads with a value it has not used (e.g. the new ETag) to skip
    entries cached before the write; it cannot flush the stage cache itself.
    """


CACHED_READ = [Depends(accept_fresh)]
