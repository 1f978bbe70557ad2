"""The state-store tables the sync engine reads and writes through SQLAlchemy Core."""

from __future__ import annotations

from typing import Final

from sqlalchemy import Table

from hub.store.models import MatchKey, SyncLease

match_keys: Final[Table] = MatchKey.__table__  # type: ignore[assignment]
leases: Final[Table] = SyncLease.__table__  # type: ignore[assignment]
