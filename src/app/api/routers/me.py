"""The storage service: tells signed-in users where their own S3 folder is."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from app.api.deps import BearerToken, CurrentUser, StorageDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.routing import JsonBodyRoute

router = APIRouter(prefix="/me", tags=["storage"], route_class=JsonBodyRoute)


class StorageOut(BaseModel):
    """Where the caller's files live and how to get credentials for them."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "bucket": "serverless-reference-dev-user-files-123456789012",
                    "prefix": "private/us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9/",
                    "region": "us-east-1",
                    "identityPoolId": "us-east-1:11111111-2222-3333-4444-555555555555",
                    "loginProvider": "cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1",
                }
            ]
        },
    )

    bucket: str
    prefix: str = Field(description="`private/<identity id>/`: the only folder you may use.")
    region: str
    identity_pool_id: str
    login_provider: str = Field(
        description="The `Logins` key for GetId / GetCredentialsForIdentity."
    )


@router.get(
    "/storage",
    response_model=StorageOut,
    operation_id="getMyStorage",
    summary="Where my own S3 folder is",
    responses={k: PROBLEM_RESPONSES[k] for k in (401, 503)},
)
def get_my_storage(
    user: CurrentUser, token: BearerToken, storage: StorageDep, response: Response
) -> StorageOut:
    """Bucket, folder and identity pool: reach your files directly with temporary credentials."""
    location = storage.location_for(user, token)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return StorageOut(
        bucket=location.bucket,
        prefix=location.prefix,
        region=location.region,
        identity_pool_id=location.identity_pool_id,
        login_provider=location.login_provider,
    )
