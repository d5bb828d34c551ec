"""Subscribe -> exactly one welcome email, through the subscribers stream and the local SES.

The welcome handler is the real one, fed by the stream pump with Lambda-shaped events; emails
are read back from the emulator's SES (what `make outbox` shows).
"""

from __future__ import annotations

import copy
import json
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest

from app.adapters.ses_mail import SesMailer
from app.bootstrap import build_welcome_sender
from app.devstack.emulators.outbox import SentMail, read_outbox
from app.devstack.event_sources.dynamodb_streams import StreamPump, StreamSubscription
from app.domain.errors import DependencyUnavailable
from app.settings import WelcomeSettings
from tests.conftest import EVENTS, LocalAws
from tests.gateways import LambdaContext


def mail_to(local_aws: LocalAws, address: str) -> list[SentMail]:
    return [m for m in read_outbox(local_aws.endpoint) if address in m.recipients]


def new_address() -> str:
    return f"reader-{secrets.token_hex(4)}@Example.COM "


@pytest.fixture
def welcome(pumps: dict[str, list[StreamPump]]) -> StreamPump:
    (pump,) = pumps["WelcomeEmailFunction"]
    return pump


def test_subscribe_sends_exactly_one_welcome_with_both_parts(
    client: httpx.Client, local_aws: LocalAws, welcome: StreamPump
) -> None:
    raw = new_address()
    address = raw.strip().lower()
    first = client.post("/subscriptions", json={"email": raw})
    assert first.status_code == 202
    welcome.drain()
    again = client.post("/subscriptions", json={"email": address})
    assert again.status_code == 202
    assert again.json() == first.json()  # never tells whether the address was known
    welcome.drain()
    (mail,) = mail_to(local_aws, address)
    assert mail.subject == "Welcome to MyBlog.com"
    assert "Unsubscribe:" in mail.text
    assert "<a href=" in mail.html
    assert mail.headers["List-Unsubscribe"].startswith("<http")


@pytest.mark.parametrize(
    "email", ["nope", "a@b", "@example.com", "a@@b.com", "a b@c.com", "x" * 260 + "@e.com"]
)
def test_invalid_addresses_are_422(client: httpx.Client, email: str) -> None:
    response = client.post("/subscriptions", json={"email": email})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_a_redelivered_record_sends_nothing_twice(
    client: httpx.Client, local_aws: LocalAws, welcome: StreamPump
) -> None:
    address = new_address().strip().lower()
    batches: list[dict[str, Any]] = []
    original = welcome.subscription.handler

    def recording(event: dict[str, Any]) -> Any:
        batches.append(copy.deepcopy(event))
        return original(event)

    pump = StreamPump(
        StreamSubscription(**{**welcome.subscription.__dict__, "handler": recording}),
        welcome._streams,
        welcome._sqs,
    )
    pump.attach()
    client.post("/subscriptions", json={"email": address})
    pump.drain()
    welcome.drain()  # the stack's own pump delivers the same record too
    mine = [b for b in batches if address in json.dumps(b)]
    assert mine
    original(mine[0])  # and once more by hand
    assert len(mail_to(local_aws, address)) == 1


def test_a_poison_record_fails_alone_and_the_others_are_sent(
    client: httpx.Client, local_aws: LocalAws, welcome: StreamPump
) -> None:
    good = new_address().strip().lower()
    client.post("/subscriptions", json={"email": good})
    event = json.loads((EVENTS / "dynamodb" / "subscriber_insert.json").read_text())
    poison = copy.deepcopy(event["Records"][0])
    poison["dynamodb"]["NewImage"] = {"status": {"S": "active"}}  # no address
    poison["dynamodb"]["SequenceNumber"] = "999"
    real = copy.deepcopy(event["Records"][0])
    real["dynamodb"]["Keys"] = real["dynamodb"]["NewImage"]["email"] = {"S": good}
    real["dynamodb"]["Keys"] = {"email": {"S": good}}
    response = welcome.subscription.handler({"Records": [poison, real]})
    assert response == {"batchItemFailures": [{"itemIdentifier": "999"}]}
    assert len(mail_to(local_aws, good)) == 1
    welcome.drain()
    assert len(mail_to(local_aws, good)) == 1


class RefusingFor:
    """SES refusing one recipient (as for a suppressed address); others go to the real SES."""

    def __init__(self, refused: str, real: SesMailer) -> None:
        self.refused = refused
        self.real = real

    def send(self, to: str, subject: str, text: str, html: str, headers: dict[str, str]) -> str:
        if to == self.refused:
            raise DependencyUnavailable("MessageRejected")
        return self.real.send(to, subject, text, html, headers)


def test_a_refused_send_is_retried_then_reported_and_the_others_are_sent(
    client: httpx.Client, local_aws: LocalAws, welcome: StreamPump
) -> None:
    environment = local_aws.environment("WelcomeEmailFunction")
    settings = WelcomeSettings.model_validate(environment)
    sender = build_welcome_sender(settings)
    refused, accepted = new_address().strip().lower(), new_address().strip().lower()
    sender._mailer = RefusingFor(
        refused,
        SesMailer.build(settings.region, settings.sender_address, settings.aws_endpoint_url),
    )
    module = local_aws.import_handler("app.handlers.welcome_email", environment)
    handler = module.make_handler(sender)
    sqs = boto3.client("sqs", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    queue = sqs.create_queue(QueueName=f"welcome-failures-{secrets.token_hex(3)}")["QueueUrl"]
    pump = StreamPump(
        StreamSubscription(
            **{
                **welcome.subscription.__dict__,
                "handler": lambda event: handler(event, LambdaContext()),
                "on_failure_queue_url": queue,
            }
        ),
        welcome._streams,
        sqs,
    )
    pump.attach()
    client.post("/subscriptions", json={"email": refused})
    client.post("/subscriptions", json={"email": accepted})
    pump.drain()  # (the stack's own pump is not drained here: it would use the real mailer)
    assert len(mail_to(local_aws, accepted)) == 1
    assert mail_to(local_aws, refused) == []
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    assert len(messages) == 1
    info = json.loads(messages[0]["Body"])["DDBStreamBatchInfo"]
    # Lambda retries from the failed record on, so the reported range starts at the refused
    # record and may include a later one that was already sent (idempotent: sent once).
    assert 1 <= info["batchSize"] <= 2
    assert pump.invocations >= 1 + welcome.subscription.maximum_retry_attempts


def test_unsubscribe_works_once_and_refuses_forged_links(
    client: httpx.Client, local_aws: LocalAws, welcome: StreamPump
) -> None:
    address = new_address().strip().lower()
    client.post("/subscriptions", json={"email": address})
    welcome.drain()
    (mail,) = mail_to(local_aws, address)
    link = next(line for line in mail.text.splitlines() if line.startswith("Unsubscribe: "))
    token = parse_qs(urlsplit(link.removeprefix("Unsubscribe: ")).query)["token"][0]
    first = client.get("/subscriptions/unsubscribe", params={"token": token})
    assert first.status_code == 200
    assert first.json() == {"status": "unsubscribed"}
    second = client.get("/subscriptions/unsubscribe", params={"token": token})
    assert second.status_code == 400
    assert second.json()["code"] == "invalid_token"
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get("/subscriptions/unsubscribe", params={"token": forged}).status_code == 400
