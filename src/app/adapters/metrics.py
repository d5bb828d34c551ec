"""Business metrics as CloudWatch embedded metric format (EMF) lines, through Powertools Metrics.

A function prints one JSON line per invocation; CloudWatch Logs turns it into metrics in the
`ServerlessReference` namespace, dimension `service` (POWERTOOLS_SERVICE_NAME, one per stage).
The dashboard (template.yaml) graphs exactly these names; the local stack prints them readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on the first count: the API's cold start does not pay for it
    from aws_lambda_powertools import Metrics

NAMESPACE = "ServerlessReference"
# What the business watches, by what the functions see happen.
TODOS_CREATED = "TodosCreated"
POSTS_PUBLISHED = "PostsPublished"
EMAILS_SENT = "EmailsSent"
EMAILS_SUPPRESSED = "EmailsSuppressed"
THUMBNAILS_MADE = "ThumbnailsMade"
THUMBNAILS_FAILED = "ThumbnailsFailed"
BUSINESS_METRICS = (
    TODOS_CREATED,
    POSTS_PUBLISHED,
    EMAILS_SENT,
    EMAILS_SUPPRESSED,
    THUMBNAILS_MADE,
    THUMBNAILS_FAILED,
)


class BusinessMetrics:
    """Counts added during an invocation, printed as one EMF line by `flush`."""

    def __init__(self, namespace: str = NAMESPACE) -> None:
        self._namespace = namespace
        self._metrics: Metrics | None = None
        self._pending = False

    def count(self, name: str, value: int = 1) -> None:
        """Add `value` to the count `name` (nothing for 0: no line for a quiet invocation)."""
        if name not in BUSINESS_METRICS:
            raise ValueError(f"unknown business metric: {name}")
        if value:
            if self._metrics is None:
                from aws_lambda_powertools import Metrics

                self._metrics = Metrics(namespace=self._namespace)
            self._metrics.add_metric(name=name, unit="Count", value=value)
            self._pending = True

    def flush(self) -> None:
        """Print what was counted (at the end of each invocation); nothing when nothing was."""
        if self._pending and self._metrics is not None:
            self._metrics.flush_metrics()
            self._pending = False
