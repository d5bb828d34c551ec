"""The subscriptions service: double opt-in, and a one-click unsubscribe (RFC 8058).

`POST /subscriptions` asks; the confirmation email's link opens `GET /subscriptions/confirm`, a
page whose button POSTs to the same URL. The welcome carries `List-Unsubscribe` and
`List-Unsubscribe-Post`: a mail client POSTs `List-Unsubscribe=One-Click` to the unsubscribe URL
with no login and no cookie; a person following the link gets a page with the same button.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from app.api.deps import ContainerDep, configured
from app.api.errors import PROBLEM_RESPONSES
from app.api.pages import HEADERS, page
from app.api.routing import JsonBodyRoute
from app.domain.subscriptions import (
    ACTIVE,
    CONFIRM,
    EMAIL_MAX,
    UNSUBSCRIBE,
    UNSUBSCRIBED,
    InvalidLink,
    SubscriptionService,
)

router = APIRouter(prefix="/subscriptions", tags=["subscriptions"], route_class=JsonBodyRoute)
INVALID = "This link is invalid or has expired, or its subscription has ended."


def get_subscriptions(container: ContainerDep) -> SubscriptionService:
    """The subscription use cases (needs SUBSCRIBERS_TABLE and LINK_KEYS)."""
    return configured(container.subscriptions, "subscriptions")


SubscriptionsDep = Annotated[SubscriptionService, Depends(get_subscriptions)]
Token = Annotated[str, Query(min_length=10, max_length=1024, description="From the email's link.")]
PageToken = Annotated[str | None, Query(max_length=1024)]


class SubscriptionIn(BaseModel):
    """An address to send the newsletter to, once its owner confirms."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"email": "ada@example.com"}]}
    )

    email: StrictStr = Field(max_length=EMAIL_MAX + 16)


class Accepted(BaseModel):
    """Always the same answer: it never tells whether the address was already known."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "accepted"}]})

    status: str = "accepted"


class Confirmed(BaseModel):
    """The subscription is active: the welcome email follows."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "confirmed"}]})

    status: str = "confirmed"


class Unsubscribed(BaseModel):
    """The address will receive nothing more."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "unsubscribed"}]})

    status: str = "unsubscribed"


def _wants_html(request: Request) -> bool:
    """A browser submitting the page's form, rather than a client or a mail server's POST."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


_HTML_TOO = {"text/html": {"schema": {"type": "string"}}}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    operation_id="subscribe",
    summary="Ask to subscribe to the newsletter",
    responses={k: PROBLEM_RESPONSES[k] for k in (400, 413, 422, 503)},
    openapi_extra={"security": []},
)
def subscribe(
    body: SubscriptionIn, subscriptions: SubscriptionsDep, response: Response
) -> Accepted:
    """202 for any address: a new request gets one email asking to confirm (at most one an hour
    per address, expiring after 48 hours); nothing is sent to a subscribed or suppressed one."""
    subscriptions.subscribe(body.email)
    response.headers["Cache-Control"] = "no-store"
    return Accepted()


@router.get("/confirm", include_in_schema=False, response_class=HTMLResponse)
def confirm_page(subscriptions: SubscriptionsDep, token: PageToken = None) -> HTMLResponse:
    """Where the confirmation email's link lands: a button, nothing confirmed yet."""
    try:
        subscriber = subscriptions.check(token or "", CONFIRM)
    except InvalidLink:
        return page("Link not valid", INVALID, status=400)
    if subscriber.status == ACTIVE:
        return page("Subscribed", "Your subscription is already confirmed.")
    return page(
        "Confirm your subscription",
        "Press the button to receive MyBlog.com's newsletter at this address.",
        button="Confirm my subscription",
    )


@router.post(
    "/confirm",
    response_model=Confirmed,
    operation_id="confirmSubscription",
    summary="Confirm a subscription with the token from its email",
    responses={200: {"content": _HTML_TOO}, **{k: PROBLEM_RESPONSES[k] for k in (400, 422, 503)}},
    openapi_extra={"security": []},
)
def confirm(
    request: Request, subscriptions: SubscriptionsDep, response: Response, token: Token
) -> Confirmed | HTMLResponse:
    """Activates the subscription (again: no change); the welcome email follows. A forged,
    expired or ended link gets 400."""
    subscriptions.confirm(token)
    if _wants_html(request):
        return page("Subscribed", "Thank you: your subscription is confirmed.")
    response.headers.update(HEADERS)
    return Confirmed()


@router.get("/unsubscribe", include_in_schema=False, response_class=HTMLResponse)
def unsubscribe_page(subscriptions: SubscriptionsDep, token: PageToken = None) -> HTMLResponse:
    """Where an email's unsubscribe link lands: a button (a GET changes nothing)."""
    try:
        subscriber = subscriptions.check(token or "", UNSUBSCRIBE)
    except InvalidLink:
        return page("Link not valid", INVALID, status=400)
    if subscriber.status == UNSUBSCRIBED:
        return page("Unsubscribed", "This address is already unsubscribed.")
    return page(
        "Unsubscribe",
        "Press the button and this address will receive nothing more from MyBlog.com.",
        button="Unsubscribe",
        fields={"List-Unsubscribe": "One-Click"},
    )


@router.post(
    "/unsubscribe",
    response_model=Unsubscribed,
    operation_id="unsubscribe",
    summary="Unsubscribe in one click (RFC 8058), with the token from an email",
    responses={200: {"content": _HTML_TOO}, **{k: PROBLEM_RESPONSES[k] for k in (400, 422, 503)}},
    openapi_extra={"security": []},
)
def unsubscribe(
    request: Request, subscriptions: SubscriptionsDep, response: Response, token: Token
) -> Unsubscribed | HTMLResponse:
    """No login: the token is the authority. The body (`List-Unsubscribe=One-Click`, form
    encoded, as mail clients send it) is not needed. Again: no change."""
    subscriptions.unsubscribe(token)
    if _wants_html(request):
        return page("Unsubscribed", "Done: this address will receive nothing more.")
    response.headers.update(HEADERS)
    return Unsubscribed()
