"""HMAC-SHA256 signatures over a callback's timestamp and raw body."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-OA-Signature"
TIMESTAMP_HEADER = "X-OA-Timestamp"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``"<timestamp>." + body``: the timestamp is signed to stop replays."""
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, timestamp: str, body: bytes) -> dict[str, str]:
    """The headers a callback request carries."""
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: "sha256=" + signature(secret, timestamp, body),
    }


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """Whether ``header`` (``sha256=<hex>``) signs ``timestamp`` and ``body``."""
    expected = "sha256=" + signature(secret, timestamp, body)
    return hmac.compare_digest(expected, header)
