"""Helpers for connector tests: profiles from dicts, a fake clock, recorded sleeps."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from connectors.base import Connector
from connectors.profile import Profile, parse_profile
from connectors.rest.factory import rest_connector

BASE = "https://api.example.test/v1"


class FakeClock:
    """A monotonic clock that only moves when told to, or when something sleeps."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


def profile_from(entities: dict[str, Any], **top: Any) -> Profile:
    """A valid rest profile around the given entities; ``top`` overrides top-level fields."""
    data: dict[str, Any] = {
        "name": "acme",
        "kind": "rest",
        "base_url": BASE,
        "retry": {"max_attempts": 4, "backoff_base": 0.1, "backoff_cap": 2.0, "jitter": 0.2},
        "entities": entities,
    }
    data.update(top)
    return parse_profile(data, source="test")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def connect(clock: FakeClock) -> Callable[..., Connector]:
    """Build a connector whose sleeps and clock are fake (no real waiting)."""

    def build(profile: Profile, **options: Any) -> Connector:
        options.setdefault("environ", {})
        return rest_connector(
            profile, sleep=clock.sleep, clock=clock, rng=random.Random(7), **options
        )

    return build
