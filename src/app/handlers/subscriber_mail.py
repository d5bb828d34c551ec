"""Lambda entry: subscribers table stream -> the confirmation request, then the welcome.

Each record's new image says what is due (the template's filter passes only pending and active
states); sending is claimed on the stored item first, so redelivered or late records send
nothing twice. Each failed record is reported on its own: one bad record neither blocks the
others nor is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from app.adapters.metrics import EMAILS_SENT, BusinessMetrics
from app.adapters.subscribers_dynamodb import subscriber_from_image
from app.bootstrap import build_subscriber_mail
from app.domain.subscriber_mail import SubscriberMail
from app.settings import get_subscriber_mail_settings

logger = Logger()
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def make_handler(mail: SubscriberMail, metrics: BusinessMetrics | None = None) -> Handler:
    """The stream handler around one mail sender (tests build their own)."""
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    counts = metrics or BusinessMetrics()

    def on_record(record: DynamoDBRecord) -> str | None:
        if record.event_name == DynamoDBRecordEventName.REMOVE:
            return None  # a TTL delete of an unconfirmed request (filtered out on AWS)
        image = record.dynamodb.new_image if record.dynamodb else None
        subscriber = subscriber_from_image(image or {})
        if subscriber is None:
            raise ValueError("stream record without a subscriber")
        sent = mail.on_change(subscriber)
        logger.info("subscriber mail", extra={"status": subscriber.status, "sent": sent})
        if sent:
            counts.count(EMAILS_SENT)
        return sent

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            response = process_partial_response(
                event=event, record_handler=on_record, processor=processor, context=context
            )
        finally:
            counts.flush()
        return dict(response)

    return handle


_handle = make_handler(build_subscriber_mail(get_subscriber_mail_settings()))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """DynamoDB stream batch -> emails; partial failures reported per record."""
    return _handle(event, context)
