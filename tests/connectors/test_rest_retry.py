"""Retries: jittered exponential backoff, Retry-After, and fatal errors left alone."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
import responses

from connectors.base import Connector
from connectors.errors import ClientError, ConnectionFailed, RateLimited, ServerError, Timeout
from connectors.profile import RetryPolicy
from connectors.rest.retry import Backoff, parse_retry_after
from tests.connectors.conftest import BASE, FakeClock, profile_from

URL = f"{BASE}/things"


def things_profile(**retry: float) -> object:
    policy = {"max_attempts": 4, "backoff_base": 0.1, "backoff_cap": 2.0, "jitter": 0.2, **retry}
    return profile_from({"things": {"path": "/things"}}, retry=policy)


def read_all(connector: Connector) -> list[dict[str, object]]:
    assert connector.source is not None
    return [r for batch in connector.source.read("things") for r in batch.records]


def test_backoff_grows_and_jitter_stays_in_bounds() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_cap=100.0, jitter=0.25)
    backoff = Backoff(policy, rng=random.Random(1))
    for attempt in range(1, 7):
        exponential = 0.5 * 2 ** (attempt - 1)
        waits = [backoff.wait(attempt) for _ in range(200)]
        assert all(0.75 * exponential <= w <= exponential for w in waits)
        assert len({round(w, 9) for w in waits}) > 100  # jittered, not constant
    growing = [backoff.wait(n) for n in range(1, 7)]
    assert growing == sorted(growing)


def test_backoff_is_capped() -> None:
    backoff = Backoff(RetryPolicy(backoff_base=1.0, backoff_cap=5.0, jitter=0.0))
    assert [backoff.wait(n) for n in (1, 2, 3, 4, 10)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_retry_after_in_seconds_and_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert (
        parse_retry_after(format_datetime(now + timedelta(seconds=42), usegmt=True), now=now)
        == 42.0
    )
    assert (
        parse_retry_after(format_datetime(now - timedelta(seconds=42), usegmt=True), now=now) == 0.0
    )
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@responses.activate
def test_429_then_success_waits_retry_after(
    clock: FakeClock, connect: Callable[..., Connector]
) -> None:
    responses.get(URL, status=429, headers={"Retry-After": "3"})
    responses.get(URL, json=[{"id": 1}])
    assert read_all(connect(things_profile())) == [{"id": 1}]
    assert clock.sleeps == [3.0]


@responses.activate
def test_retry_after_is_capped(clock: FakeClock, connect: Callable[..., Connector]) -> None:
    responses.get(URL, status=429, headers={"Retry-After": "3600"})
    responses.get(URL, json=[])
    read_all(connect(things_profile(retry_after_cap=9.0)))
    assert clock.sleeps == [9.0]


@responses.activate
def test_5xx_exhausted_raises_server_error_after_growing_waits(
    clock: FakeClock, connect: Callable[..., Connector]
) -> None:
    responses.get(URL, status=503, body="down for maintenance")
    with pytest.raises(ServerError) as info:
        read_all(connect(things_profile()))
    assert info.value.status == 503
    assert info.value.system == "acme"
    assert info.value.entity == "things"
    assert len(responses.calls) == 4
    assert len(clock.sleeps) == 3
    assert clock.sleeps == sorted(clock.sleeps)
    for attempt, wait in enumerate(clock.sleeps, start=1):
        assert 0.8 * 0.1 * 2 ** (attempt - 1) <= wait <= 0.1 * 2 ** (attempt - 1)


@responses.activate
def test_400_is_fatal_and_not_retried(clock: FakeClock, connect: Callable[..., Connector]) -> None:
    responses.get(URL, status=400, json={"error": "bad filter"})
    with pytest.raises(ClientError) as info:
        read_all(connect(things_profile()))
    assert info.value.status == 400
    assert "bad filter" in str(info.value)
    assert len(responses.calls) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("exc", [requests.ConnectTimeout("slow"), requests.ReadTimeout("slow")])
@responses.activate
def test_timeouts_are_retried_then_raised(
    exc: Exception, clock: FakeClock, connect: Callable[..., Connector]
) -> None:
    responses.get(URL, body=exc)
    with pytest.raises(Timeout):
        read_all(connect(things_profile()))
    assert len(responses.calls) == 4


@responses.activate
def test_timeout_then_success(clock: FakeClock, connect: Callable[..., Connector]) -> None:
    responses.get(URL, body=requests.ReadTimeout("slow"))
    responses.get(URL, json=[{"id": 2}])
    assert read_all(connect(things_profile())) == [{"id": 2}]
    assert len(clock.sleeps) == 1


@responses.activate
def test_connection_error_becomes_connection_failed(
    clock: FakeClock, connect: Callable[..., Connector]
) -> None:
    responses.get(URL, body=requests.ConnectionError("refused"))
    with pytest.raises(ConnectionFailed):
        read_all(connect(things_profile(max_attempts=2)))
    assert len(responses.calls) == 2


@responses.activate
def test_timeouts_are_always_sent(connect: Callable[..., Connector]) -> None:
    seen: list[object] = []

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        return 200, {}, "[]"

    responses.add_callback(responses.GET, URL, callback=callback)
    connector = connect(things_profile())
    original = connector.source.client.session.request  # type: ignore[union-attr]

    def spy(*args: object, **kwargs: object) -> requests.Response:
        seen.append(kwargs.get("timeout"))
        return original(*args, **kwargs)  # type: ignore[arg-type]

    connector.source.client.session.request = spy  # type: ignore[union-attr,method-assign]
    read_all(connector)
    assert seen == [(5.0, 30.0)]


@responses.activate
def test_post_without_idempotency_key_is_not_retried_on_5xx(
    clock: FakeClock, connect: Callable[..., Connector]
) -> None:
    responses.post(URL, status=502)
    profile = profile_from({"things": {"path": "/things", "write": {"method": "POST"}}})
    sink = connect(profile).sink
    [result] = sink.write("things", [{"name": "x"}])
    assert isinstance(result.error, ServerError)
    assert len(responses.calls) == 1


@responses.activate
def test_post_with_idempotency_key_is_retried(
    clock: FakeClock, connect: Callable[..., Connector]
) -> None:
    responses.post(URL, status=502)
    responses.post(URL, status=201, json={"id": "t-1"})
    profile = profile_from(
        {
            "things": {
                "path": "/things",
                "write": {"method": "POST", "idempotency_header": "Idempotency-Key"},
            }
        }
    )
    [result] = connect(profile).sink.write("things", [{"name": "x"}], idempotency_keys=["k1"])
    assert result.ok
    assert result.target_id == "t-1"
    assert [c.request.headers["Idempotency-Key"] for c in responses.calls] == ["k1", "k1"]


def test_rate_limited_error_is_retriable() -> None:
    assert RateLimited("x").retriable
