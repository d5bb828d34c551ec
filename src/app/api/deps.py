"""Dependencies as typed aliases: routes read like their signatures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
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
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller: from API Gateway's authorizer claims on AWS, or a verified token locally."""
    verifier = container.token_verifier
    if verifier is None:
        claims = request.scope.get(AUTHORIZER_CLAIMS_SCOPE_KEY)
        if not isinstance(claims, dict) or not claims:
            raise Unauthenticated("authentication is required")
        return caller_from_claims(claims)
    return caller_from_claims(verifier.verify(get_bearer_token(credentials)))


CurrentUser = Annotated[Caller, Depends(get_current_user)]
BearerToken = Annotated[str, Depends(get_bearer_token)]


def configured[T](service: T | None, what: str) -> T:
    """A service the container built, or 503 when its settings are absent in this function."""
    if service is None:
        raise DependencyUnavailable(f"{what} are not configured")
    return service


def get_todo_service(container: ContainerDep) -> TodoService:
    """The to-do use cases (needs TODOS_TABLE and CURSOR_SECRET)."""
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
