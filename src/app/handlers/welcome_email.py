"""Lambda entry: subscribers table stream (INSERT) -> one welcome email per subscriber.

Redelivered records send nothing twice (a conditional claim on the subscriber item); each failed
record is reported on its own, so one bad record neither blocks the others nor is lost.
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

from app.bootstrap import build_welcome_sender
from app.domain.welcome import WelcomeSender
from app.settings import get_welcome_settings

logger = Logger()
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def make_handler(sender: WelcomeSender) -> Handler:
    """The stream handler around one sender (tests build their own)."""
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

    def welcome(record: DynamoDBRecord) -> bool:
        if record.event_name != DynamoDBRecordEventName.INSERT:
            return False  # the template filters these out; a stray one sends nothing
        image = record.dynamodb.new_image if record.dynamodb else None
        email = (image or {}).get("email")
        if not isinstance(email, str) or "@" not in email:
            raise ValueError("stream record without a subscriber address")
        sent = sender.welcome(email)
        logger.info("welcome", extra={"sent": sent})
        return sent

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        response = process_partial_response(
            event=event, record_handler=welcome, processor=processor, context=context
        )
        return dict(response)

    return handle


_handle = make_handler(build_welcome_sender(get_welcome_settings()))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """DynamoDB stream batch -> welcome emails; partial failures reported per record."""
    return _handle(event, context)
