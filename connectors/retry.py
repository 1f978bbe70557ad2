"""Retries of transient errors: exponential backoff with jitter, honouring Retry-After."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import tenacity

from connectors.errors import RateLimited, RetriableError, scrub
from connectors.profile import RetryPolicy

T = TypeVar("T")
log = logging.getLogger("connectors.retry")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Backoff:
    """Computes the wait before retry number ``attempt`` (1 = the first retry)."""

    def __init__(self, policy: RetryPolicy, *, rng: random.Random | None = None) -> None:
        self.policy = policy
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security

    def wait(self, attempt: int, error: BaseException | None = None) -> float:
        """Retry-After (capped) when the system sent one, else jittered exponential backoff."""
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return min(error.retry_after, self.policy.retry_after_cap)
        exponential = min(self.policy.backoff_cap, self.policy.backoff_base * 2.0 ** (attempt - 1))
        # Jitter only shortens the wait, so waits stay below the cap and, for jitter < 0.5,
        # still grow from one attempt to the next.
        return exponential * (1.0 - self.policy.jitter * self._rng.random())


class Retrier:
    """Runs a call, retrying the retriable errors it raises; fatal errors pass straight out."""

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy
        self.backoff = Backoff(policy, rng=rng)
        self._sleep = sleep

    def call(
        self,
        fn: Callable[[], T],
        *,
        retry_on: tuple[type[BaseException], ...] = (RetriableError,),
    ) -> T:
        """Return ``fn()``; after the last attempt the last error is raised unchanged."""
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.policy.max_attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(retry_on),
            sleep=self._sleep,
            before_sleep=self._log,
            reraise=True,
        )
        return retrying(fn)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        return self.backoff.wait(state.attempt_number, error)

    def _log(self, state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        log.warning(
            "attempt %d failed (%s); retrying in %.2fs",
            state.attempt_number,
            scrub(str(error)),
            wait,
        )
