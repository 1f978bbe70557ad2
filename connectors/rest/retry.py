"""Moved to `connectors.retry` (shared by REST and SOAP); kept for old imports."""

from __future__ import annotations

from connectors.retry import Backoff, Retrier, parse_retry_after

__all__ = ["Backoff", "Retrier", "parse_retry_after"]
