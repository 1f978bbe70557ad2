"""A thread-safe token bucket, one per system (or per entity that overrides the rate)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from connectors.profile import RateLimit

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class TokenBucket:
    """Allows ``rate`` requests per second on average and ``burst`` at once.

    A caller takes its token under the lock, possibly driving the balance negative, and
    sleeps off its own debt outside the lock; so concurrent callers queue up fairly and
    none holds the lock while sleeping.
    """

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping as long as needed; return the seconds slept."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
            self._updated = now
            self._tokens -= 1.0
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait


_registry_lock = threading.Lock()
_registry: dict[tuple[str, str | None], TokenBucket] = {}


def shared_bucket(system: str, entity: str | None, limit: RateLimit) -> TokenBucket:
    """The process-wide bucket for a system (or an entity override), made on first use.

    Sharing matters: two clients of one system in one process must not each get the
    whole rate.
    """
    key = (system, entity)
    with _registry_lock:
        bucket = _registry.get(key)
        if (
            bucket is None
            or bucket.rate != limit.requests_per_second
            or bucket.burst != limit.burst
        ):
            bucket = TokenBucket(limit.requests_per_second, limit.burst)
            _registry[key] = bucket
        return bucket
