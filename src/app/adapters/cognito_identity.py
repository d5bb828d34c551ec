"""Identity-pool ids through Cognito Identity `GetId` (botocore; no IAM needed for this call)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from app.domain.errors import DependencyUnavailable, IdentityRejected

_CACHE_SIZE = 10_000


class CognitoIdentityDirectory:
    """Looks up (and remembers) each user's identity id; the client is created on first use.

    `endpoint_url` points it at the local stack's identity service.
    """

    def __init__(
        self,
        identity_pool_id: str,
        login_provider: str,
        region: str,
        *,
        endpoint_url: str | None = None,
    ) -> None:
        self._endpoint_url = endpoint_url
        self._pool = identity_pool_id
        self._provider = login_provider
        self._region = region
        self._client: Any = None
        self._lock = threading.Lock()
        self._ids: OrderedDict[str, str] = OrderedDict()

    def identity_id(self, user_id: str, id_token: str) -> str:
        """The identity id for the holder of `id_token` (cached by user: it never changes)."""
        with self._lock:
            if user_id in self._ids:
                self._ids.move_to_end(user_id)
                return self._ids[user_id]
        try:
            response = self._cognito().get_id(
                IdentityPoolId=self._pool, Logins={self._provider: id_token}
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] in (
                "NotAuthorizedException",
                "InvalidParameterException",
            ):
                raise IdentityRejected(exc.response["Error"]["Code"]) from exc
            raise DependencyUnavailable(exc.response["Error"]["Code"]) from exc
        except BotoCoreError as exc:
            raise DependencyUnavailable(type(exc).__name__) from exc
        identity_id: str = response["IdentityId"]
        with self._lock:
            self._ids[user_id] = identity_id
            while len(self._ids) > _CACHE_SIZE:
                self._ids.popitem(last=False)
        return identity_id

    def _cognito(self) -> Any:
        with self._lock:
            if self._client is None:
                # botocore.session pulls in botocore.client and its docs (~100 ms): load it
                # on the first /me/storage call, not on every function's cold start.
                import botocore.session
                from botocore.config import Config

                self._client = botocore.session.get_session().create_client(
                    "cognito-identity",
                    region_name=self._region,
                    endpoint_url=self._endpoint_url,
                    config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3}),
                )
            return self._client
