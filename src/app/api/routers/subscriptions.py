"""The subscriptions service: anyone subscribes; a signed link unsubscribes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from app.api.deps import ContainerDep, configured
from app.api.errors import PROBLEM_RESPONSES
from app.api.routing import JsonBodyRoute
from app.domain.subscriptions import EMAIL_MAX, SubscriptionService

router = APIRouter(prefix="/subscriptions", tags=["subscriptions"], route_class=JsonBodyRoute)


def get_subscriptions(container: ContainerDep) -> SubscriptionService:
    """The subscription use cases (needs SUBSCRIBERS_TABLE)."""
    return configured(container.subscriptions, "subscriptions")


SubscriptionsDep = Annotated[SubscriptionService, Depends(get_subscriptions)]


class SubscriptionIn(BaseModel):
    """An address to send the newsletter to."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"email": "ada@example.com"}]}
    )

    email: StrictStr = Field(max_length=EMAIL_MAX + 16)


class Accepted(BaseModel):
    """Always the same answer: it never tells whether the address was already subscribed."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "accepted"}]})

    status: str = "accepted"


class Unsubscribed(BaseModel):
    """The address will receive nothing more."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "unsubscribed"}]})

    status: str = "unsubscribed"


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    operation_id="subscribe",
    summary="Subscribe to the newsletter",
    responses={k: PROBLEM_RESPONSES[k] for k in (400, 413, 422, 503)},
    openapi_extra={"security": []},
)
def subscribe(
    body: SubscriptionIn, subscriptions: SubscriptionsDep, response: Response
) -> Accepted:
    """202 whether new or repeated; a new subscriber gets one welcome email."""
    subscriptions.subscribe(body.email)
    response.headers["Cache-Control"] = "no-store"
    return Accepted()


@router.get(
    "/unsubscribe",
    response_model=Unsubscribed,
    operation_id="unsubscribe",
    summary="Unsubscribe with the link from an email",
    responses={k: PROBLEM_RESPONSES[k] for k in (400, 422, 503)},
    openapi_extra={"security": []},
)
def unsubscribe(
    subscriptions: SubscriptionsDep,
    response: Response,
    token: Annotated[str, Query(min_length=10, max_length=1024)],
) -> Unsubscribed:
    """Works once per link; a forged, expired or used link gets 400."""
    subscriptions.unsubscribe(token)
    response.headers["Cache-Control"] = "no-store"
    return Unsubscribed()
