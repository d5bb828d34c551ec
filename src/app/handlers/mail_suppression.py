"""Lambda entry: SES bounce and complaint events (through SNS) -> the address is suppressed.

SNS invokes with one record; a failure raises, so Lambda retries the invocation and, past its
retries, keeps the event in the failure queue: no bounce is lost.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from app.adapters.metrics import EMAILS_SUPPRESSED, BusinessMetrics
from app.adapters.ses_events import addresses_to_suppress
from app.bootstrap import build_suppressions
from app.settings import get_suppression_settings

logger = Logger()
_suppressions = build_suppressions(get_suppression_settings())
_metrics = BusinessMetrics()


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:  # noqa: ARG001 - Lambda's
    """SNS records of SES events -> suppressed addresses; returns how many."""
    suppressed = 0
    for record in event.get("Records", []):
        for email, reason in addresses_to_suppress(record["Sns"]["Message"]):
            suppressed += _suppressions.suppress(email, reason)
    logger.info("mail events", extra={"suppressed": suppressed})
    _metrics.count(EMAILS_SUPPRESSED, suppressed)
    _metrics.flush()
    return {"suppressed": suppressed}
