"""The local stack's Cognito Identity: `GetId` and `GetCredentialsForIdentity` (AWS JSON protocol).

moto's identity pools are stubs (a new id per call, the same keys for everyone, no policy
variables). This service gives each user a stable identity id and credentials that reach only
their own folder: for each identity it creates, in the IAM-enforcing emulator, a role holding the
template's authenticated-role policy with `${cognito-identity.amazonaws.com:sub}` resolved to that
identity, and hands out the credentials of an STS `AssumeRole` on it. The enforcing emulator (moto)
evaluates every S3 request against that policy. Clients call it with boto3's `cognito-identity`
client at this endpoint, the same calls they make against AWS.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.devstack.cognito.tokens import CognitoTokenVerifier, TokenRejected
from app.devstack.emulators.user_files import ADMIN_USER
from app.devstack.provisioning.model import ACCOUNT_ID, IdentityPoolSpec

IDENTITY_VARIABLE = "${cognito-identity.amazonaws.com:sub}"
_JSON = "application/x-amz-json-1.1"
# Locally the service itself assumes each identity's role (on AWS: Cognito, by web identity).
_TRUST_ADMIN = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/{ADMIN_USER}"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


class IdentityError(Exception):
    """An error in Cognito Identity's own shape (`__type` + `message`)."""

    def __init__(self, kind: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status


@dataclass(frozen=True)
class IdentityServiceConfig:
    """Where the service verifies tokens and makes credentials."""

    region: str
    jwks_url: Callable[[str], str]  # user pool id -> its JWKS in the emulator
    enforcing_endpoint: str
    admin_credentials: tuple[str, str]
    credentials_ttl_seconds: int = 3600


class LocalIdentityService:
    """GetId and GetCredentialsForIdentity for one identity pool, on the enforcing emulator."""

    def __init__(self, spec: IdentityPoolSpec, config: IdentityServiceConfig) -> None:
        self._spec = spec
        self._config = config
        self._verifier = CognitoTokenVerifier(config.jwks_url)
        session = boto3.session.Session(
            region_name=config.region,
            aws_access_key_id=config.admin_credentials[0],
            aws_secret_access_key=config.admin_credentials[1],
        )
        # DurationSeconds below AWS's 900 s minimum lets tests see credentials expire.
        client_config = Config(parameter_validation=False)
        endpoint = config.enforcing_endpoint
        self._iam = session.client("iam", endpoint_url=endpoint, config=client_config)
        self._sts = session.client("sts", endpoint_url=endpoint, config=client_config)
        self._roles: set[str] = set()
        self._lock = threading.Lock()

    def with_credentials_ttl(self, seconds: int) -> LocalIdentityService:
        """The same service handing out credentials that expire after `seconds`."""
        return LocalIdentityService(
            self._spec, dataclasses.replace(self._config, credentials_ttl_seconds=seconds)
        )

    def app(self) -> Starlette:
        """The ASGI app answering the Cognito Identity JSON protocol at `/`, to browsers too.

        Cognito's API endpoints answer CORS for any origin (browsers call them straight from
        the page, as the AWS SDK for JavaScript does; origins cannot be restricted there:
        aws-amplify/amplify-js#2982 "cors for cognito"), so the phone app's origin is allowed.
        """
        cors = Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["POST"],
            allow_headers=["*"],
            expose_headers=["x-amzn-requestid", "x-amzn-errortype"],
            max_age=600,
        )
        return Starlette(routes=[Route("/", self._dispatch, methods=["POST"])], middleware=[cors])

    async def _dispatch(self, request: Request) -> JSONResponse:
        try:
            result = self.handle(request.headers.get("x-amz-target", ""), await request.body())
        except IdentityError as exc:
            return JSONResponse(
                {"__type": exc.kind, "message": exc.message},
                status_code=exc.status,
                media_type=_JSON,
            )
        return JSONResponse(result, media_type=_JSON)

    def handle(self, target: str, raw_body: bytes) -> dict[str, Any]:
        """Run the operation `X-Amz-Target` names; IdentityError on any failure."""
        operations = {
            "AWSCognitoIdentityService.GetId": self.get_id,
            "AWSCognitoIdentityService.GetCredentialsForIdentity": self.get_credentials,
        }
        operation = operations.get(target)
        if operation is None:
            raise IdentityError(
                "InvalidAction", f"{target or 'no action'} is not supported locally"
            )
        try:
            body = json.loads(raw_body or b"{}")
        except ValueError:
            raise IdentityError("SerializationException", "the body is not JSON") from None
        if not isinstance(body, dict):
            raise IdentityError("InvalidParameterException", "the body must be a JSON object")
        return operation(body)

    def get_id(self, body: dict[str, Any]) -> dict[str, Any]:
        """The caller's stable identity id, from a verified login token."""
        if body.get("IdentityPoolId") != self._spec.identity_pool_id:
            raise IdentityError("ResourceNotFoundException", "IdentityPool not found")
        return {"IdentityId": self._identity_from_logins(body.get("Logins"))}

    def get_credentials(self, body: dict[str, Any]) -> dict[str, Any]:
        """Temporary credentials that reach only the identity's own folder."""
        identity_id = str(body.get("IdentityId", ""))
        if self._identity_from_logins(body.get("Logins")) != identity_id:
            raise IdentityError("NotAuthorizedException", "Logins don't match the identity")
        try:
            credentials = self._sts.assume_role(
                RoleArn=self._role_for(identity_id),
                RoleSessionName="CognitoIdentityCredentials",
                DurationSeconds=self._config.credentials_ttl_seconds,
            )["Credentials"]
        except ClientError as exc:
            raise IdentityError("InternalErrorException", str(exc), status=500) from exc
        return {
            "IdentityId": identity_id,
            "Credentials": {
                "AccessKeyId": credentials["AccessKeyId"],
                "SecretKey": credentials["SecretAccessKey"],
                "SessionToken": credentials["SessionToken"],
                "Expiration": credentials["Expiration"].timestamp(),
            },
        }

    def _identity_from_logins(self, logins: object) -> str:
        if not isinstance(logins, dict) or not logins:
            raise IdentityError(
                "NotAuthorizedException",
                "Unauthenticated access is not supported for this identity pool.",
            )
        if len(logins) != 1:
            raise IdentityError("NotAuthorizedException", "exactly one login is supported locally")
        ((provider, token),) = logins.items()
        client_id = self._spec.providers.get(str(provider))
        if client_id is None:
            raise IdentityError("NotAuthorizedException", "Invalid login token. Unknown provider.")
        try:
            claims = self._verifier.verify(str(token), [f"https://{provider}"], audience=client_id)
        except TokenRejected as exc:
            raise IdentityError(
                "NotAuthorizedException", f"Invalid login token. {exc.reason}."
            ) from None
        seed = f"{self._spec.identity_pool_id}|{claims['sub']}"
        return f"{self._config.region}:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"

    def _role_for(self, identity_id: str) -> str:
        name = "cognito-identity-" + hashlib.sha256(identity_id.encode()).hexdigest()[:24]
        arn = f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"
        with self._lock:
            if name in self._roles:
                return arn
            with contextlib.suppress(self._iam.exceptions.EntityAlreadyExistsException):
                self._iam.create_role(RoleName=name, AssumeRolePolicyDocument=_TRUST_ADMIN)
            for index, document in enumerate(self._spec.authenticated_policies):
                resolved = json.dumps(document).replace(IDENTITY_VARIABLE, identity_id)
                self._iam.put_role_policy(
                    RoleName=name, PolicyName=f"authenticated-{index}", PolicyDocument=resolved
                )
            self._roles.add(name)
        return arn
