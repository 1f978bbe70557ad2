"""Token bucket rate limiting, with a fake clock."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import responses

from connectors.base import Connector
from connectors.rest.ratelimit import TokenBucket
from tests.connectors.conftest import BASE, FakeClock, profile_from


def test_burst_goes_at_once_then_the_steady_rate(clock: FakeClock) -> None:
    bucket = TokenBucket(2.0, burst=3, clock=clock, sleep=clock.sleep)
    waits = [bucket.acquire() for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3:] == pytest.approx([0.5, 0.5])


def test_tokens_refill_with_time_but_not_beyond_burst(clock: FakeClock) -> None:
    bucket = TokenBucket(1.0, burst=2, clock=clock, sleep=clock.sleep)
    bucket.acquire()
    bucket.acquire()
    clock.advance(100)  # a long quiet spell refills only up to the burst
    assert [bucket.acquire() for _ in range(3)] == pytest.approx([0.0, 0.0, 1.0])


def test_threads_share_the_rate() -> None:
    lock = threading.Lock()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        with lock:
            slept.append(seconds)

    bucket = TokenBucket(10.0, burst=1, clock=lambda: 0.0, sleep=sleep)
    threads = [threading.Thread(target=bucket.acquire) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # With time frozen, 19 callers queue: each waits a distinct tenth of a second longer.
    assert sorted(round(s, 6) for s in slept) == [round(n / 10, 6) for n in range(1, 20)]


@responses.activate
def test_client_paces_requests_per_profile(
    clock: FakeClock, connect: Callable[..., Connector]
) -> None:
    responses.get(f"{BASE}/things", json=[])
    responses.get(f"{BASE}/slow", json=[])
    profile = profile_from(
        {
            "things": {"path": "/things"},
            "slow": {"path": "/slow", "rate_limit": {"requests_per_second": 0.5}},
        },
        rate_limit={"requests_per_second": 4, "burst": 1},
    )
    source = connect(profile).source
    assert source is not None
    for _ in range(3):
        list(source.read("things"))
    assert clock.sleeps == pytest.approx([0.25, 0.25])
    clock.sleeps.clear()
    for _ in range(2):
        list(source.read("slow"))
    assert clock.sleeps == pytest.approx([2.0])
