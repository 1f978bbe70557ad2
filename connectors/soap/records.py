"""zeep answers turned into plain records: dicts, lists, str, int, bool, Decimal, None.

* ``xsd:decimal`` stays `decimal.Decimal` (money is never a float);
* ``xsd:dateTime`` becomes an ISO 8601 string in UTC with its offset
  (``2026-01-31T09:15:00.123456+00:00``); a value without an offset is taken as UTC;
* ``xsd:date`` and ``xsd:time`` become ISO strings (``2026-01-31``, ``09:15:00``);
* ``xsd:any`` content becomes its XML text.

Strings rather than datetime objects keep records and cursors JSON-serialisable and
compare the same way as the REST connector's cursors.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from lxml import etree
from zeep.helpers import serialize_object

_serialize: Any = serialize_object  # unannotated in zeep


def plain(value: Any) -> Any:
    """A zeep object (or list of them) as plain Python data."""
    return _normalise(_serialize(value, dict))


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, etree._Element):
        return etree.tostring(value, encoding="unicode")
    return value


def as_records(value: Any) -> list[dict[str, Any]]:
    """The records at an element that may be absent, one record, or a list of them."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item if isinstance(item, dict) else {"value": item} for item in items]
