"""Moved to `connectors.ratelimit` (shared by REST and SOAP); kept for old imports."""

from __future__ import annotations

from connectors.ratelimit import TokenBucket, shared_bucket

__all__ = ["TokenBucket", "shared_bucket"]
