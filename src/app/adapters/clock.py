"""The clock the services read."""

from __future__ import annotations

import datetime as dt


class SystemClock:
    """The real UTC clock."""

    def now(self) -> dt.datetime:
        """Return the current UTC time, to the millisecond as stored."""
        now = dt.datetime.now(dt.UTC)
        return now.replace(microsecond=now.microsecond // 1000 * 1000)
