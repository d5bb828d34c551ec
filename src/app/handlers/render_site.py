"""Lambda entry: the posts and photos tables' streams -> pre-rendered pages in the site bucket.

Each record re-renders its post from the table's current state (so order and redelivery do not
matter); the listings (home, feed, sitemap, archive) are rendered once per batch. Failed records
are reported one by one.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from app.adapters.posts_dynamodb import published_month
from app.bootstrap import build_site_renderer
from app.settings import get_site_settings

logger = Logger()
_renderer = build_site_renderer(get_site_settings())
_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _render(record: DynamoDBRecord) -> str:
    keys = record.dynamodb.keys if record.dynamodb else None
    slug = (keys or {}).get("slug")
    if not isinstance(slug, str) or not slug:
        raise ValueError("stream record without a slug key")
    return _renderer.refresh_post(slug)


def _old_month(record: dict[str, Any]) -> str | None:
    """The archive month a post was listed in, from its old image (a removed post's month is
    nowhere else); photo records have none."""
    return published_month(record.get("dynamodb", {}).get("OldImage", {}))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """DynamoDB stream batch -> pages; partial failures reported per record."""
    with _processor(records=event["Records"], handler=_render, lambda_context=context):
        results = _processor.process()
    changed = [result for status, result, _ in results if status == "success"]
    if changed:
        months = {month for record in event["Records"] if (month := _old_month(record))}
        _renderer.refresh_listings(changed, months)
    response: dict[str, Any] = dict(_processor.response())
    failed = len(response["batchItemFailures"])
    logger.info("rendered", extra={"pages": len(changed), "failed": failed})
    return response
