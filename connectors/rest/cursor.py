"""Moved to `connectors.cursor` (shared by REST and SOAP); kept for old imports."""

from __future__ import annotations

from connectors.cursor import CursorTracker, SortKey, parse_cursor_value

__all__ = ["CursorTracker", "SortKey", "parse_cursor_value"]
