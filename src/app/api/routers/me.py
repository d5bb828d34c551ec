"""The storage service: tells signed-in users where their own S3 folder is and how full it is."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from app.api.deps import CACHED_READ, BearerToken, CurrentUser, StorageDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.routing import JsonBodyRoute

router = APIRouter(prefix="/me", tags=["storage"], route_class=JsonBodyRoute)


class RejectedWriteOut(BaseModel):
    """A write the storage meter deleted because it took the folder over its quota."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    key: str = Field(description="The object key that was written.")
    bytes: int = Field(ge=0, description="Its size.")
    at: dt.datetime = Field(description="When the meter deleted it.")


class StorageOut(BaseModel):
    """Where the caller's files live, how to get credentials for them, and how full it is."""

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
                    "usedBytes": 5242880,
                    "quotaBytes": 104857600,
                    "objects": 3,
                    "lastRejectedWrite": None,
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
    used_bytes: int = Field(
        ge=0,
        description="Bytes of your current objects, as metered from the bucket's events "
        "(seconds behind your writes).",
    )
    quota_bytes: int = Field(
        gt=0, description="At most this many bytes: a write that goes over it is deleted."
    )
    objects: int = Field(ge=0, description="How many objects your folder holds.")
    last_rejected_write: RejectedWriteOut | None = Field(
        description="The last write deleted for going over the quota, if any."
    )


@router.get(
    "/storage",
    response_model=StorageOut,
    operation_id="getMyStorage",
    dependencies=CACHED_READ,
    summary="Where my own S3 folder is, and how full",
    responses={k: PROBLEM_RESPONSES[k] for k in (401, 503)},
)
def get_my_storage(
    user: CurrentUser, token: BearerToken, storage: StorageDep, response: Response
) -> StorageOut:
    """Bucket, folder and identity pool (reach your files directly with temporary
    credentials), and your usage against your quota."""
    location = storage.location_for(user, token)
    usage = location.usage
    last = usage.last_rejected
    response.headers["Cache-Control"] = "private, no-cache"
    return StorageOut(
        bucket=location.bucket,
        prefix=location.prefix,
        region=location.region,
        identity_pool_id=location.identity_pool_id,
        login_provider=location.login_provider,
        used_bytes=max(usage.bytes, 0),
        quota_bytes=location.quota_bytes,
        objects=max(usage.objects, 0),
        last_rejected_write=RejectedWriteOut(key=last.key, bytes=last.size, at=last.at)
        if last
        else None,
    )
