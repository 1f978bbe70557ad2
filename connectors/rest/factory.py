"""Build a connector from a profile, with no system-specific code."""

from __future__ import annotations

import importlib
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from connectors.base import Connector
from connectors.errors import ConfigError
from connectors.profile import Profile
from connectors.rest.client import RestClient
from connectors.rest.sink import RestSink
from connectors.rest.source import RestSource


def rest_connector(
    profile: Profile,
    *,
    session: requests.Session | None = None,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    rng: random.Random | None = None,
) -> Connector:
    """A REST system's source and sink, sharing one client (session, auth, rate limit)."""
    if profile.kind != "rest":
        raise ConfigError(f"profile kind is {profile.kind}, not rest", system=profile.name)
    client = RestClient(
        profile, session=session, environ=environ, sleep=sleep, clock=clock, rng=rng
    )
    has_writes = any(entity.write is not None for entity in profile.entities.values())
    return Connector(
        system=profile.name,
        source=RestSource(profile, client),
        sink=RestSink(profile, client) if has_writes else None,
        closers=[client.close],
    )


def connector_from_profile(profile: Profile, **options: Any) -> Connector:
    """The connector for any profile kind.

    ``rest`` is built here; another kind is looked up as ``connectors.<kind>`` exposing a
    ``connector_from_profile(profile, **options)`` of its own, so new protocols plug in
    without changes to this module.
    """
    if profile.kind == "rest":
        return rest_connector(profile, **options)
    try:
        module = importlib.import_module(f"connectors.{profile.kind}")
    except ImportError:
        module = None
    build = getattr(module, "connector_from_profile", None)
    if build is None:
        raise ConfigError(f"no connector is installed for kind {profile.kind}", system=profile.name)
    connector: Connector = build(profile, **options)
    return connector
