"""The REST connector: a profile-driven source and sink over requests.

Public names are re-exported here; the implementation lives in small modules:
``auth`` (AuthBase plug-ins), ``pagination`` (one paginator per kind), ``retry``
(tenacity backoff), ``ratelimit`` (token bucket), ``client`` (RestClient), ``source``,
``sink`` and ``factory``.
"""

from __future__ import annotations

from connectors.ratelimit import TokenBucket
from connectors.rest.auth import (
    ApiKeyHeader,
    ApiKeyQuery,
    Basic,
    Bearer,
    OAuth2ClientCredentials,
    build_auth,
)
from connectors.rest.client import RestClient, error_for_response
from connectors.rest.factory import connector_from_profile, rest_connector
from connectors.rest.pagination import PageRequest, Paginator, paginator_for
from connectors.rest.sink import RestSink
from connectors.rest.source import RestSource
from connectors.retry import Backoff, Retrier, parse_retry_after

__all__ = [
    "ApiKeyHeader",
    "ApiKeyQuery",
    "Backoff",
    "Basic",
    "Bearer",
    "OAuth2ClientCredentials",
    "PageRequest",
    "Paginator",
    "RestClient",
    "RestSink",
    "RestSource",
    "Retrier",
    "TokenBucket",
    "build_auth",
    "connector_from_profile",
    "error_for_response",
    "paginator_for",
    "parse_retry_after",
    "rest_connector",
]
