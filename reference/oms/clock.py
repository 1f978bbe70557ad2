"""The OMS clock: timezone-aware UTC timestamps that never repeat or run backwards."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

_lock = threading.Lock()
_last = datetime.min.replace(tzinfo=UTC)


def now() -> datetime:
    """Current UTC time, strictly later than the previous call in this process.

    Lists order by (updated_at, id); a timestamp that repeated or went back would let a
    record written later sort before one a client has already paged past.
    """
    global _last
    with _lock:
        current = datetime.now(UTC)
        if current <= _last:
            current = _last + timedelta(microseconds=1)
        _last = current
        return current
