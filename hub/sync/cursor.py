"""Composite (updated_at, id) cursors: where a run starts, where it stops, what it skips.

The stored cursor has the shape the REST connector understands,
``{"field": <cursor field>, "value": <raw timestamp>, "id": <record id>}``. A run reads
from the stored position minus the look-back window (inclusive: ``id`` None orders
first), and handles only records at or below the cap, run start minus the clock-skew
margin, so that a record committed late with an older timestamp is not skipped for good.
Sources are expected to yield records in (timestamp, id) order; the engine sorts each
batch, and stops reading at the first record above the cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import Cursor


def parse_timestamp(raw: Any) -> datetime:
    """An aware UTC datetime from an ISO 8601 string or a datetime; naive means UTC."""
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        value = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    else:
        raise ValueError(f"not a timestamp: {type(raw).__name__}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _id_order(value: Any) -> tuple[int, Any]:
    # The same order as the REST connector: None first, then numbers, then strings.
    if value is None:
        return (0, 0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (1, value)
    return (2, str(value))


@dataclass(frozen=True, slots=True)
class Position:
    """A record's place in the change stream: its timestamp, then its id."""

    at: datetime
    id_order: tuple[int, Any]
    raw_at: Any = None
    raw_id: Any = None

    @classmethod
    def of(cls, raw_at: Any, raw_id: Any) -> Position:
        """The position of a record with these raw timestamp and id values."""
        at = parse_timestamp(raw_at)
        kept_at = raw_at if isinstance(raw_at, str) else at.isoformat(timespec="microseconds")
        return cls(at, _id_order(raw_id), kept_at, raw_id)

    def as_cursor(self, field: str) -> Cursor:
        """The JSON cursor stored for this position (the raw timestamp keeps full precision)."""
        return {"field": field, "value": self.raw_at, "id": self.raw_id}

    def key(self) -> tuple[datetime, tuple[int, Any]]:
        """The comparison key (timestamp, id)."""
        return (self.at, self.id_order)


def stored_position(cursor: Any) -> Position | None:
    """The position a stored cursor names, or None for no (or an unreadable) cursor."""
    if not isinstance(cursor, dict) or cursor.get("value") is None:
        return None
    return Position.of(cursor["value"], cursor.get("id"))


@dataclass(frozen=True, slots=True)
class Window:
    """What one run reads: `since` for the source, the stored position and the cap."""

    since: Cursor | None
    stored: Position | None
    cap: datetime
    lookback: timedelta

    def skips_as_seen(self, position: Position) -> bool:
        """True for a record at or before the stored position when there is no look-back.

        With a look-back window, records re-read below the position go on to change
        detection instead, which skips them when unchanged (a late record is not).
        """
        if self.stored is None or self.lookback:
            return False
        return position.key() <= self.stored.key()

    def above_cap(self, position: Position) -> bool:
        """True for a record too new for this run: the next run will read it."""
        return position.at > self.cap


def plan_window(
    stored: Any,
    *,
    field: str,
    run_started: datetime,
    lookback: timedelta,
    skew_margin: timedelta,
    full: bool,
) -> Window:
    """The read window of a run starting at `run_started` from the `stored` cursor."""
    cap = run_started.astimezone(UTC) - skew_margin
    position = None if full else stored_position(stored)
    since: Cursor | None
    if position is None:
        since = None
    elif lookback:
        since = {
            "field": field,
            "value": (position.at - lookback).isoformat(timespec="microseconds"),
            "id": None,
        }
    else:
        since = position.as_cursor(field)
    return Window(since=since, stored=position, cap=cap, lookback=lookback)
