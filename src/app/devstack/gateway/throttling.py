"""Stage and method throttling: a token bucket per method, as API Gateway throttles.

Each method gets a bucket holding at most its burst limit, refilled at its rate limit per second;
a request that finds it empty gets the THROTTLED gateway response (429). A method's limits are its
own MethodSettings override or the stage default (`/*` and `*`), which applies to each method on
its own, below the account's 10,000 requests per second (API Gateway developer guide, "Throttle
requests to your REST APIs for better throughput").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """`burst` tokens at most, `rate` added per second."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._updated = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Take one token; False when none is left."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True


class Throttle:
    """One bucket per (resource, method)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._clock = clock
        self._lock = threading.Lock()

    def allow(self, resource: str, method: str, rate: float, burst: int) -> bool:
        """Whether this request fits within the method's limits."""
        key = (resource, method)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(rate, burst, self._clock)
        return bucket.take()
