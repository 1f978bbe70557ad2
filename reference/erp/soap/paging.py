"""Keyset paging by (changed_at, key) with an opaque continuation token."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from reference.erp.soap.faults import SoapFault

DEFAULT_PAGE = 200
MAX_PAGE = 1000
T = TypeVar("T")


def encode_token(changed_at: datetime, key: str) -> str:
    """An opaque token pointing just after the record (changed_at, key)."""
    raw = f"v1|{changed_at.astimezone(UTC).isoformat(timespec='microseconds')}|{key}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str) -> tuple[datetime, str]:
    """The (changed_at, key) a token points after; VALIDATION fault when it is not ours."""
    try:
        padded = token + "=" * (-len(token) % 4)
        version, stamp, key = base64.urlsafe_b64decode(padded).decode().split("|", 2)
        if version != "v1":
            raise ValueError(version)
        when = datetime.fromisoformat(stamp)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise SoapFault.validation("ContinuationToken", "not a token this service issued") from None
    if when.tzinfo is None:
        raise SoapFault.validation("ContinuationToken", "not a token this service issued")
    return when, key


def page_size(requested: int | None) -> int:
    """The page size to use: default when absent, VALIDATION fault outside 1..MAX_PAGE."""
    if requested is None:
        return DEFAULT_PAGE
    if not 1 <= requested <= MAX_PAGE:
        raise SoapFault.validation("MaxRecords", f"must be between 1 and {MAX_PAGE}")
    return requested


def keyset_page(
    session: Session,
    query: sa.Select[T],
    changed_col: InstrumentedAttribute[datetime],
    key_col: InstrumentedAttribute[str],
    *,
    since: datetime,
    token: str | None,
    size: int,
) -> tuple[Sequence[T], str | None]:
    """One page of ``query`` ordered by (changed, key) from ``since`` (inclusive) or a token.

    Records written while a client pages get a newer changed_at and so land after the
    cursor: every record present at the start is read exactly once.
    """
    query = query.where(changed_col >= since)
    if token is not None:
        after_at, after_key = decode_token(token)
        query = query.where(
            sa.or_(
                changed_col > after_at,
                sa.and_(changed_col == after_at, key_col > after_key),
            )
        )
    rows: Sequence[Any] = session.scalars(
        query.order_by(changed_col, key_col).limit(size + 1)
    ).all()
    if len(rows) <= size:
        return rows, None
    page = rows[:size]
    last = page[-1]
    return page, encode_token(getattr(last, changed_col.key), getattr(last, key_col.key))
