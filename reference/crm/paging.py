"""Keyset paging over (lastModified, id) with an opaque, self-describing cursor.

A cursor is base64url(JSON) of the last position returned, the page size and the filters
the listing was asked with, so the next page needs nothing but ``cursor=``. Filters given
again next to a cursor must agree with it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.crm.errors import ApiError
from reference.crm.models import RecordMixin

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

R = TypeVar("R", bound=RecordMixin)


@dataclass(frozen=True)
class Position:
    last_modified: datetime
    id: str


@dataclass
class ListQuery:
    """What a list request asks for, after the cursor (if any) has been unpacked."""

    limit: int = DEFAULT_LIMIT
    updated_since: datetime | None = None
    include_deleted: bool = False
    filters: dict[str, str] = field(default_factory=dict)
    after: Position | None = None


def encode_cursor(position: Position, query: ListQuery) -> str:
    payload = {
        "after": [position.last_modified.isoformat(timespec="microseconds"), position.id],
        "limit": query.limit,
        "updated_since": (
            query.updated_since.isoformat(timespec="microseconds") if query.updated_since else None
        ),
        "include_deleted": query.include_deleted,
        "filters": query.filters,
    }
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor(why: str) -> ApiError:
    return ApiError(422, "invalid_cursor", f"cursor: {why}", field="cursor")


def decode_cursor(cursor: str) -> ListQuery:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data: Any = json.loads(raw)
        after = data["after"]
        since = data["updated_since"]
        query = ListQuery(
            limit=int(data["limit"]),
            updated_since=datetime.fromisoformat(since) if since else None,
            include_deleted=bool(data["include_deleted"]),
            filters={str(k): str(v) for k, v in dict(data["filters"]).items()},
            after=Position(datetime.fromisoformat(after[0]), str(after[1])),
        )
    except (binascii.Error, ValueError, KeyError, TypeError, IndexError) as exc:
        raise _bad_cursor("not a cursor this server issued") from exc
    if query.after is None or query.after.last_modified.tzinfo is None:
        raise _bad_cursor("position lacks a UTC offset")
    if not 1 <= query.limit <= MAX_LIMIT:
        raise _bad_cursor("limit out of range")
    return query


def build_query(
    *,
    cursor: str | None,
    limit: int | None,
    updated_since: datetime | None,
    include_deleted: bool | None,
    filters: dict[str, str | None],
) -> ListQuery:
    """Merge query parameters with a cursor; tombstones come by default with updated_since."""
    given = {k: v for k, v in filters.items() if v is not None}
    if updated_since is not None and updated_since.tzinfo is None:
        raise ApiError(
            422,
            "invalid",
            "updated_since: must carry a UTC offset, e.g. 2026-01-01T00:00:00+00:00",
            field="updated_since",
        )
    if cursor is None:
        return ListQuery(
            limit=DEFAULT_LIMIT if limit is None else limit,
            updated_since=updated_since,
            include_deleted=(updated_since is not None)
            if include_deleted is None
            else include_deleted,
            filters=given,
        )
    query = decode_cursor(cursor)
    if updated_since is not None and updated_since != query.updated_since:
        raise _bad_cursor("issued for another updated_since")
    if include_deleted is not None and include_deleted != query.include_deleted:
        raise _bad_cursor("issued for another include_deleted")
    if any(query.filters.get(k) != v for k, v in given.items()):
        raise _bad_cursor("issued for other filters")
    if limit is not None:
        query.limit = limit
    return query


@dataclass
class Page(Generic[R]):
    rows: Sequence[R]
    next_cursor: str | None
    resume_cursor: str | None


def fetch_page(
    session: Session, model: type[R], query: ListQuery, where: Sequence[Any] = ()
) -> Page[R]:
    """One page in (lastModified, id) order; asks for one extra row to know if more follow."""
    stmt = sa.select(model).where(*where)
    if not query.include_deleted:
        stmt = stmt.where(model.deleted.is_(False))
    if query.updated_since is not None:
        stmt = stmt.where(model.last_modified >= query.updated_since)
    if query.after is not None:
        lm, rid = query.after.last_modified, query.after.id
        stmt = stmt.where(
            sa.or_(model.last_modified > lm, sa.and_(model.last_modified == lm, model.id > rid))
        )
    stmt = stmt.order_by(model.last_modified, model.id).limit(query.limit + 1)
    rows = list(session.scalars(stmt))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    resume = cursor_after(rows[-1], query) if rows else _same(query)
    return Page(rows=rows, next_cursor=resume if more else None, resume_cursor=resume)


def cursor_after(row: RecordMixin, query: ListQuery) -> str:
    return encode_cursor(Position(row.last_modified, row.id), query)


def _same(query: ListQuery) -> str | None:
    return encode_cursor(query.after, query) if query.after is not None else None
