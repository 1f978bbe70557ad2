"""Per-request database sessions and list paging shared by the OMS routers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from fastapi import Request, Response
from sqlalchemy.orm import Session

from reference.oms.errors import Invalid

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@contextmanager
def reading(request: Request) -> Iterator[Session]:
    """A session for a read-only request."""
    with request.app.state.sessions() as session:
        yield session


@contextmanager
def writing(request: Request) -> Iterator[Session]:
    """A session for a write, committed at the end; writes run one at a time.

    Allocation reads stock and then lowers it; serialising writers keeps two requests
    from promising the same units (SQLite would not stop that on its own).
    """
    with request.app.state.write_lock, request.app.state.sessions() as session:
        yield session
        session.commit()


def aware(value: datetime | None, field: str) -> datetime | None:
    """Reject a query timestamp without a UTC offset (it would be ambiguous)."""
    if value is not None and value.tzinfo is None:
        raise Invalid("timestamp must carry a UTC offset, e.g. 2025-01-01T00:00:00Z", field=field)
    return value


def set_paging_headers(
    request: Request, response: Response, *, offset: int, limit: int, total: int
) -> None:
    """RFC 8288 Link (first, prev, next, last) and X-Total-Count on a list response."""
    url = request.url

    def link(at: int, rel: str) -> str:
        return f'<{url.include_query_params(offset=at, limit=limit)}>; rel="{rel}"'

    last = max(0, (total - 1) // limit * limit)
    links = [link(0, "first")]
    if offset > 0:
        links.append(link(max(0, offset - limit), "prev"))
    if offset + limit < total:
        links.append(link(offset + limit, "next"))
    links.append(link(last, "last"))
    response.headers["Link"] = ", ".join(links)
    response.headers["X-Total-Count"] = str(total)
