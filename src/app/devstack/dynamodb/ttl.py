"""DynamoDB Time to Live, played locally: expired items are deleted in the background.

moto (5.2) stores a table's TTL setting but never deletes an item. AWS ("Working with Time to
Live (TTL) in DynamoDB", "How it works"): an item whose TTL attribute is a Number of epoch
seconds in the past is deleted by a background process, "typically within a few days"; items
expired more than five years ago, or whose attribute is not a Number, are left alone; the delete
is a system delete that the table's stream carries as a REMOVE. Until then expired items still
appear in reads, so readers filter them (the photos service does). Here a sweep every
`interval` seconds deletes what has expired, conditional on it still being expired, so an item
whose TTL was just cleared survives as it would on AWS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

FIVE_YEARS = 5 * 365 * 24 * 3600


class TtlReaper:
    """Deletes expired items of the tables that enable TTL (a Pollable for the pump thread)."""

    def __init__(
        self,
        dynamodb: Any,
        tables: dict[str, str],
        *,
        interval: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._dynamodb = dynamodb
        self._tables = tables  # table name -> TTL attribute name
        self._interval = interval
        self._clock = clock
        self._last = float("-inf")
        self.deleted = 0

    def poll(self) -> int:
        """One sweep when `interval` has passed since the last; how many items it deleted."""
        now = self._clock()
        if now - self._last < self._interval:
            return 0
        self._last = now
        return self.sweep(now)

    def sweep(self, now: float | None = None) -> int:
        """Delete every item expired at `now` (default: the clock's now)."""
        moment = int(self._clock() if now is None else now)
        count = 0
        for table, attribute in self._tables.items():
            count += self._sweep_table(table, attribute, moment)
        self.deleted += count
        return count

    def _sweep_table(self, table: str, attribute: str, now: int) -> int:
        keys = [k["AttributeName"] for k in self._describe(table)["KeySchema"]]
        names = {"#ttl": attribute}
        values = {":now": {"N": str(now)}, ":oldest": {"N": str(now - FIVE_YEARS)}}
        expired = "#ttl BETWEEN :oldest AND :now"  # a non-Number attribute never compares
        paginator = self._dynamodb.get_paginator("scan")
        count = 0
        for page in paginator.paginate(
            TableName=table,
            FilterExpression=expired,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        ):
            for item in page.get("Items", []):
                try:
                    self._dynamodb.delete_item(
                        TableName=table,
                        Key={k: item[k] for k in keys},
                        ConditionExpression=expired,
                        ExpressionAttributeNames=names,
                        ExpressionAttributeValues=values,
                    )
                    count += 1
                except self._dynamodb.exceptions.ConditionalCheckFailedException:
                    continue  # changed since the scan: no longer expired
        return count

    def _describe(self, table: str) -> dict[str, Any]:
        description: dict[str, Any] = self._dynamodb.describe_table(TableName=table)["Table"]
        return description
