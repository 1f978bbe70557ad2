"""Incremental cursors: the greatest (cursor field, id) seen, and filtering by it.

A cursor is ``{"field": <cursor_field>, "value": <raw value>, "id": <record id>}``. The id
breaks ties between records changed at the same instant, so a system that answers
``updated_since`` inclusively does not hand us the last record of the previous run again,
and records sharing the last timestamp are not lost.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connectors.base import Cursor, Record
from connectors.errors import ContractError
from connectors.paths import MISSING, lookup
from connectors.profile import Incremental

SortKey = tuple[Any, tuple[int, Any]]


def parse_cursor_value(raw: Any, fmt: str) -> datetime | int:
    """A comparable value from the raw field: aware UTC datetime, or epoch milliseconds."""
    if fmt == "epoch_ms":
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise ValueError("not epoch milliseconds")
        return int(raw)
    if not isinstance(raw, str):
        raise ValueError("not an ISO 8601 string")
    parsed = datetime.fromisoformat(raw)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _id_key(value: Any) -> tuple[int, Any]:
    # Numbers order numerically and before strings; None (no id) orders first.
    if value is None:
        return (0, 0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (1, value)
    return (2, str(value))


class CursorTracker:
    """Follows the greatest (cursor, id) of an incremental read, starting after ``since``."""

    def __init__(self, spec: Incremental, id_field: str, since: Cursor | None) -> None:
        self.spec = spec
        self.id_field = id_field
        self.since = since
        self._since_key: SortKey | None = None
        if since and since.get("value") is not None:
            try:
                value = parse_cursor_value(since["value"], spec.format)
            except ValueError:
                raise ContractError(f"stored cursor value is not {spec.format}") from None
            self._since_key = (value, _id_key(since.get("id")))
        self._best: SortKey | None = self._since_key
        self._best_cursor: Cursor | None = dict(since) if since else None

    def since_param(self) -> Any:
        """The value for the 'changed since' query parameter, or None on a first read."""
        return self.since.get("value") if self.since else None

    def key(self, record: Record) -> SortKey:
        raw = lookup(record, self.spec.cursor_field, MISSING)
        if raw is MISSING or raw is None:
            raise ContractError(f"record has no cursor field {self.spec.cursor_field!r}")
        try:
            value = parse_cursor_value(raw, self.spec.format)
        except ValueError:
            raise ContractError(
                f"cursor field {self.spec.cursor_field!r} is not {self.spec.format}"
            ) from None
        return (value, _id_key(lookup(record, self.id_field)))

    def accept(self, record: Record) -> bool:
        """Note the record; False when it is not newer than ``since`` (already delivered)."""
        key = self.key(record)
        if self._since_key is not None and key <= self._since_key:
            return False
        if self._best is None or key > self._best:
            self._best = key
            self._best_cursor = {
                "field": self.spec.cursor_field,
                "value": lookup(record, self.spec.cursor_field),
                "id": lookup(record, self.id_field),
            }
        return True

    def cursor(self) -> Cursor | None:
        """The cursor after every record accepted so far."""
        return dict(self._best_cursor) if self._best_cursor else None
