"""Build a SOAP connector from a profile (and, deprecated, a separate ``soap:`` block)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from connectors.base import Connector
from connectors.profile import Profile
from connectors.soap.client import SoapClient
from connectors.soap.config import SoapOptions, apply_soap_options, check_soap_profile
from connectors.soap.sink import SoapSink
from connectors.soap.source import SoapSource
from connectors.soap.wsdl import WsdlCache


def soap_connector(
    profile: Profile,
    soap: SoapOptions | Mapping[str, Any] | None = None,
    *,
    session: requests.Session | None = None,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    rng: random.Random | None = None,
    cache: WsdlCache | None = None,
) -> Connector:
    """A SOAP system's source and sink, sharing one client (session, WS-Security, limits).

    Nothing is fetched here: the WSDL is loaded on the first call, so building a connector
    (e.g. while Airflow parses a DAG file) stays cheap. ``soap`` is the deprecated
    separate block; a unified profile needs none.
    """
    if soap is not None:
        profile = apply_soap_options(profile, soap)
    check_soap_profile(profile)
    client = SoapClient(
        profile,
        session=session,
        environ=environ,
        sleep=sleep,
        clock=clock,
        rng=rng,
        cache=cache,
    )
    has_reads = any(entity.operation and entity.readable for entity in profile.entities.values())
    has_writes = any(entity.write is not None for entity in profile.entities.values())
    return Connector(
        system=profile.name,
        source=SoapSource(profile, client) if has_reads else None,
        sink=SoapSink(profile, client) if has_writes else None,
        closers=[client.close],
    )


def connector_from_profile(profile: Profile, **options: Any) -> Connector:
    """The hook `connectors.rest.factory.connector_from_profile` calls for kind ``soap``."""
    return soap_connector(profile, **options)
