"""Double opt-in through the running stack: the API, the subscribers stream, SES and its events.

The mail handler is the real one, fed by the stream pump with Lambda-shaped events; emails are
read back from the emulator's SES (what `make outbox` shows); links are followed as a browser
and a mail client follow them, on the site's origin. Bounces and complaints come from SES's
mailbox simulator through the configuration set's SNS topic to the suppression function.
"""

from __future__ import annotations

import base64
import copy
import json
import secrets
import time
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest

from app.adapters.ses_mail import SesMailer
from app.bootstrap import build_subscriber_mail
from app.devstack.emulators.outbox import SentMail, read_outbox
from app.devstack.event_sources.dynamodb_streams import StreamPump, StreamSubscription
from app.devstack.event_sources.sns_subscriptions import SnsEventPump
from app.domain.errors import DependencyUnavailable
from app.settings import SubscriberMailSettings
from tests.conftest import EVENTS, LocalAws
from tests.gateways import LambdaContext

BROWSER = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
CONFIRM_SUBJECT = "Confirm your subscription to MyBlog.com"
WELCOME_SUBJECT = "Welcome to MyBlog.com"


def mail_to(local_aws: LocalAws, address: str) -> list[SentMail]:
    return [m for m in read_outbox(local_aws.endpoint) if address in m.recipients]


def new_address(domain: str = "Example.COM") -> str:
    return f"reader-{secrets.token_hex(4)}@{domain} "


def link_in(mail: SentMail) -> str:
    return next(word for word in mail.text.split() if word.startswith("http"))


@pytest.fixture
def mail(pumps: dict[str, list[StreamPump]]) -> StreamPump:
    (pump,) = pumps["SubscriberMailFunction"]
    return pump


@pytest.fixture
def suppression(local_aws: LocalAws) -> SnsEventPump:
    (pump,) = local_aws.stack.sns_pumps["MailSuppressionFunction"]
    return pump


def stored(local_aws: LocalAws, address: str) -> dict[str, Any] | None:
    dynamodb = boto3.client("dynamodb", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    table = local_aws.outputs["SubscribersTableName"]
    item: dict[str, Any] | None = dynamodb.get_item(
        TableName=table, Key={"email": {"S": address}}
    ).get("Item")
    return item


def confirmed(client: httpx.Client, local_aws: LocalAws, mail: StreamPump, address: str) -> str:
    """Subscribe and confirm `address`; returns its welcome's unsubscribe link."""
    before = len(mail_to(local_aws, address))
    assert client.post("/subscriptions", json={"email": address}).status_code == 202
    mail.drain()
    (request,) = mail_to(local_aws, address)[before:]
    assert request.subject == CONFIRM_SUBJECT
    assert httpx.post(link_in(request), headers=BROWSER).status_code == 200
    mail.drain()
    welcome = mail_to(local_aws, address)[-1]
    assert welcome.subject == WELCOME_SUBJECT
    return welcome.headers["List-Unsubscribe"].strip("<>")


def test_asking_sends_a_confirmation_only_and_the_link_opens_a_page_that_changes_nothing(
    client: httpx.Client, local_aws: LocalAws, mail: StreamPump
) -> None:
    raw = new_address()
    address = raw.strip().lower()
    first = client.post("/subscriptions", json={"email": raw})
    assert (first.status_code, first.json()) == (202, {"status": "accepted"})
    mail.drain()
    (request,) = mail_to(local_aws, address)
    assert request.subject == CONFIRM_SUBJECT
    assert "List-Unsubscribe" not in request.headers
    link = link_in(request)
    assert link.startswith(f"{local_aws.site_url}api/subscriptions/confirm?token=")
    assert link in request.html.replace("&amp;", "&")
    for _ in range(3):  # mail scanners and link previews follow the link: nothing happens
        page = httpx.get(link)
        assert page.status_code == 200
        assert '<form method="post">' in page.text
        assert parse_qs(urlsplit(link).query)["token"][0] not in page.text  # never echoed
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    mail.drain()
    assert [m.subject for m in mail_to(local_aws, address)] == [CONFIRM_SUBJECT]
    assert stored(local_aws, address)["status"] == {"S": "pending"}  # type: ignore[index]


def test_the_pages_button_confirms_and_only_then_the_welcome_is_sent_once(
    client: httpx.Client, local_aws: LocalAws, mail: StreamPump
) -> None:
    address = new_address().strip().lower()
    client.post("/subscriptions", json={"email": address})
    mail.drain()
    link = link_in(mail_to(local_aws, address)[0])
    confirmed_page = httpx.post(link, headers=BROWSER)
    assert confirmed_page.status_code == 200
    assert "confirmed" in confirmed_page.text
    again = httpx.post(link, headers={"Accept": "application/json"})  # a double click
    assert again.json() == {"status": "confirmed"}
    mail.drain()
    mail.drain()
    subjects = [m.subject for m in mail_to(local_aws, address)]
    assert subjects == [CONFIRM_SUBJECT, WELCOME_SUBJECT]
    welcome = mail_to(local_aws, address)[-1]
    unsubscribe = welcome.headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{local_aws.site_url}api/subscriptions/unsubscribe?token=")
    assert welcome.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Unsubscribe:" in welcome.text


def test_asking_again_within_the_hour_sends_nothing_more(
    client: httpx.Client, local_aws: LocalAws, mail: StreamPump
) -> None:
    address = new_address().strip().lower()
    answers = {client.post("/subscriptions", json={"email": e}).text for e in [address] * 4}
    answers.add(client.post("/subscriptions", json={"email": address.upper()}).text)
    assert answers == {'{"status":"accepted"}'}  # never tells whether the address was known
    mail.drain()
    assert len(mail_to(local_aws, address)) == 1


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart"])
def test_one_click_unsubscribe_as_mail_clients_post_it(
    client: httpx.Client, local_aws: LocalAws, mail: StreamPump, content_type: str
) -> None:
    """RFC 8058: a POST of `List-Unsubscribe=One-Click` to the header's URL, no login, no
    cookie; a GET of the same URL (a scanner, a preview) changes nothing."""
    address = new_address().strip().lower()
    url = confirmed(client, local_aws, mail, address)
    assert "Unsubscribe" in httpx.get(url).text
    assert stored(local_aws, address)["status"] == {"S": "active"}  # type: ignore[index]
    if content_type == "multipart":
        done = httpx.post(url, files={"List-Unsubscribe": (None, "One-Click")})
    else:
        done = httpx.post(url, data={"List-Unsubscribe": "One-Click"})
    assert (done.status_code, done.json()) == (200, {"status": "unsubscribed"})
    assert httpx.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # again
    assert "already unsubscribed" in httpx.get(url).text
    assert stored(local_aws, address)["status"] == {"S": "unsubscribed"}  # type: ignore[index]


def test_subscribing_again_after_unsubscribing_works_and_old_links_do_nothing(
    client: httpx.Client, local_aws: LocalAws, mail: StreamPump
) -> None:
    address = new_address().strip().lower()
    first_unsubscribe = confirmed(client, local_aws, mail, address)
    assert httpx.post(first_unsubscribe).status_code == 200
    second_unsubscribe = confirmed(client, local_aws, mail, address)
    assert second_unsubscribe != first_unsubscribe
    stale = httpx.post(first_unsubscribe)
    assert (stale.status_code, stale.json()["code"]) == (400, "invalid_link")
    assert stored(local_aws, address)["status"] == {"S": "active"}  # type: ignore[index]
    subjects = [m.subject for m in mail_to(local_aws, address)]
    assert subjects == [CONFIRM_SUBJECT, WELCOME_SUBJECT] * 2


def test_links_carry_no_readable_address_and_forged_ones_are_refused(
    client: httpx.Client, local_aws: LocalAws, mail: StreamPump
) -> None:
    address = new_address().strip().lower()
    client.post("/subscriptions", json={"email": address})
    mail.drain()
    link = link_in(mail_to(local_aws, address)[0])
    token = parse_qs(urlsplit(link).query)["token"][0]
    decoded = b"".join(
        base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) for part in token.split(".")[1:]
    )
    assert address.split("@")[0].encode() not in decoded
    assert b"example" not in decoded.lower()
    forged = link.replace(token, token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    refused = httpx.post(forged)
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_link")
    assert httpx.get(forged).status_code == 400
    unsubscribe_with_confirm = link.replace("/confirm?", "/unsubscribe?")
    assert httpx.post(unsubscribe_with_confirm).status_code == 400  # a link does one thing
    assert httpx.get(link.split("?")[0]).status_code == 400  # no token: an error page


def test_an_unconfirmed_request_expires(
    client: httpx.Client, local_aws: LocalAws, mail: StreamPump
) -> None:
    """The table's TTL (played locally as DynamoDB does) removes it; its link then opens an
    error page, and nothing is sent."""
    address = new_address().strip().lower()
    client.post("/subscriptions", json={"email": address})
    mail.drain()
    item = stored(local_aws, address)
    assert item is not None
    assert 47 * 3600 < int(item["expiresAt"]["N"]) - time.time() <= 48 * 3600
    dynamodb = boto3.client("dynamodb", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    dynamodb.update_item(
        TableName=local_aws.outputs["SubscribersTableName"],
        Key={"email": {"S": address}},
        UpdateExpression="SET expiresAt = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )
    assert local_aws.stack.ttl.sweep() >= 1
    assert stored(local_aws, address) is None
    mail.drain()
    link = link_in(mail_to(local_aws, address)[0])
    assert httpx.get(link).status_code == 400
    assert httpx.post(link).status_code == 400
    assert len(mail_to(local_aws, address)) == 1


@pytest.mark.parametrize(
    ("mailbox", "reason"), [("bounce", "bounce: General"), ("complaint", "complaint: abuse")]
)
def test_bounces_and_complaints_suppress_the_address_for_good(
    client: httpx.Client,
    local_aws: LocalAws,
    mail: StreamPump,
    suppression: SnsEventPump,
    mailbox: str,
    reason: str,
) -> None:
    """SES's mailbox simulator bounces or complains; the configuration set publishes it to SNS;
    the suppression function marks the address; asking again then sends nothing."""
    address = f"{mailbox}+{secrets.token_hex(3)}@simulator.amazonses.com"
    client.post("/subscriptions", json={"email": address})
    mail.drain()
    assert len(mail_to(local_aws, address)) == 1
    suppression.drain()
    item = stored(local_aws, address)
    assert item is not None
    told = [line for line in local_aws.stack.console.lines if "MailSuppressionFunction" in line]
    assert any(line.split()[1:4] == ["event", "SNS", "SubscriberMailEventsTopic,"] for line in told)
    assert (item["status"], item["reason"]) == ({"S": "suppressed"}, {"S": reason})
    link = link_in(mail_to(local_aws, address)[0])
    assert httpx.post(link).status_code == 400
    client.post("/subscriptions", json={"email": address})
    mail.drain()
    assert len(mail_to(local_aws, address)) == 1
    assert suppression.failed == 0


def test_deliveries_and_other_addresses_suppress_nothing(
    client: httpx.Client, local_aws: LocalAws, mail: StreamPump, suppression: SnsEventPump
) -> None:
    address = f"success+{secrets.token_hex(3)}@simulator.amazonses.com"
    url = confirmed(client, local_aws, mail, address)
    suppression.drain()
    assert stored(local_aws, address)["status"] == {"S": "active"}  # type: ignore[index]
    assert url


@pytest.mark.parametrize(
    "email", ["nope", "a@b", "@example.com", "a@@b.com", "a b@c.com", "x" * 260 + "@e.com"]
)
def test_invalid_addresses_are_422(client: httpx.Client, email: str) -> None:
    response = client.post("/subscriptions", json={"email": email})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_a_redelivered_record_sends_nothing_twice(
    client: httpx.Client, local_aws: LocalAws, mail: StreamPump
) -> None:
    address = new_address().strip().lower()
    batches: list[dict[str, Any]] = []
    original = mail.subscription.handler

    def recording(event: dict[str, Any]) -> Any:
        batches.append(copy.deepcopy(event))
        return original(event)

    pump = StreamPump(
        StreamSubscription(**{**mail.subscription.__dict__, "handler": recording}),
        mail._streams,
        mail._sqs,
    )
    pump.attach()
    client.post("/subscriptions", json={"email": address})
    pump.drain()
    mail.drain()  # the stack's own pump delivers the same record too
    mine = [b for b in batches if address in json.dumps(b)]
    assert mine
    original(mine[0])  # and once more by hand
    assert len(mail_to(local_aws, address)) == 1


def test_a_poison_record_fails_alone_and_the_others_are_sent(
    client: httpx.Client, local_aws: LocalAws, mail: StreamPump
) -> None:
    good = new_address().strip().lower()
    client.post("/subscriptions", json={"email": good})
    event = json.loads((EVENTS / "dynamodb" / "subscriber_insert.json").read_text())
    poison = copy.deepcopy(event["Records"][0])
    poison["dynamodb"]["NewImage"] = {"status": {"S": "pending"}}  # no address, no period
    poison["dynamodb"]["SequenceNumber"] = "999"
    real = copy.deepcopy(event["Records"][0])
    image = stored(local_aws, good)
    assert image is not None
    real["dynamodb"]["NewImage"] = image
    real["dynamodb"]["Keys"] = {"email": {"S": good}}
    response = mail.subscription.handler({"Records": [poison, real]})
    assert response == {"batchItemFailures": [{"itemIdentifier": "999"}]}
    assert len(mail_to(local_aws, good)) == 1
    mail.drain()
    assert len(mail_to(local_aws, good)) == 1


class RefusingFor:
    """SES refusing one recipient; others go to the real (emulated) SES."""

    def __init__(self, refused: str, real: SesMailer) -> None:
        self.refused = refused
        self.real = real

    def send(self, to: str, subject: str, text: str, html: str, headers: dict[str, str]) -> str:
        if to == self.refused:
            raise DependencyUnavailable("MessageRejected")
        return self.real.send(to, subject, text, html, headers)


def test_a_refused_send_is_retried_then_reported_and_the_others_are_sent(
    client: httpx.Client, local_aws: LocalAws, mail: StreamPump
) -> None:
    environment = local_aws.environment("SubscriberMailFunction")
    settings = SubscriberMailSettings.model_validate(environment)
    sender = build_subscriber_mail(settings)
    refused, accepted = new_address().strip().lower(), new_address().strip().lower()
    sender._mailer = RefusingFor(
        refused,
        SesMailer.build(settings.region, settings.sender_address, settings.aws_endpoint_url),
    )
    module = local_aws.import_handler("app.handlers.subscriber_mail", environment)
    handler = module.make_handler(sender)
    sqs = boto3.client("sqs", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    queue = sqs.create_queue(QueueName=f"mail-failures-{secrets.token_hex(3)}")["QueueUrl"]
    pump = StreamPump(
        StreamSubscription(
            **{
                **mail.subscription.__dict__,
                "handler": lambda event: handler(event, LambdaContext()),
                "on_failure_queue_url": queue,
            }
        ),
        mail._streams,
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
    assert pump.invocations >= 1 + mail.subscription.maximum_retry_attempts


def test_an_event_that_keeps_failing_is_kept_with_lambdas_record_of_it(
    local_aws: LocalAws, suppression: SnsEventPump
) -> None:
    """SNS invokes asynchronously: retried as EventInvokeConfig says, then kept in the
    on-failure queue with Lambda's record (RetriesExhausted, the event), never lost."""
    sqs = boto3.client("sqs", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    source = sqs.create_queue(QueueName=f"sns-source-{secrets.token_hex(3)}")["QueueUrl"]
    failures = sqs.create_queue(QueueName=f"sns-failures-{secrets.token_hex(3)}")["QueueUrl"]
    calls: list[dict[str, Any]] = []

    def broken(event: dict[str, Any]) -> Any:
        calls.append(event)
        raise RuntimeError("the table is down")

    pump = SnsEventPump(
        replace(
            suppression.subscription,
            queue_url=source,
            handler=broken,
            on_failure_queue_url=failures,
        ),
        sqs,
    )
    notification = {"Type": "Notification", "MessageId": "m-1", "Message": '{"eventType": "x"}'}
    sqs.send_message(QueueUrl=source, MessageBody=json.dumps(notification))
    pump.drain()
    assert len(calls) == 1 + suppression.subscription.retries == 3  # MaximumRetryAttempts: 2
    assert calls[0]["Records"][0]["EventSource"] == "aws:sns"
    assert calls[0]["Records"][0]["Sns"]["Message"] == '{"eventType": "x"}'
    (message,) = sqs.receive_message(QueueUrl=failures).get("Messages", [])
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestPayload"] == calls[0]
    assert record["responsePayload"] == {"errorMessage": "the table is down"}
