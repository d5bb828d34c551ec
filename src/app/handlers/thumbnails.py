"""Lambda entry: S3 ObjectCreated under uploads/ -> thumbnails under thumbnails/ and a status.

Keys arrive URL-encoded and are decoded here. Keys outside uploads/ (our own thumbnails, should a
deployment ever route them here) are ignored, so no mistake can loop.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger

from app.adapters.metrics import THUMBNAILS_FAILED, THUMBNAILS_MADE, BusinessMetrics
from app.bootstrap import build_thumbnailer
from app.settings import get_photo_settings

logger = Logger()
_thumbnailer = build_thumbnailer(get_photo_settings())
_metrics = BusinessMetrics()


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:  # noqa: ARG001 - Lambda's
    """S3 event -> thumbnails; a transient failure raises so the event is retried."""
    outcomes: dict[str, int] = {}
    try:
        for record in event.get("Records", []):
            if not str(record.get("eventName", "")).startswith("ObjectCreated"):
                continue
            key = unquote_plus(record["s3"]["object"]["key"])
            outcome = _thumbnailer.process(key)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            logger.info("photo", extra={"outcome": outcome})
    finally:
        _metrics.count(THUMBNAILS_MADE, outcomes.get("ready", 0))
        _metrics.count(THUMBNAILS_FAILED, outcomes.get("failed", 0))
        _metrics.flush()
    return {"outcomes": outcomes}
