"""Offset/limit paging in a stable (updated_at, id) order with an inclusive lower bound."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

M = TypeVar("M")


def page(
    session: Session,
    model: type[M],
    *,
    updated_since: datetime | None,
    offset: int,
    limit: int,
    where: Sequence[Any] = (),
    options: Sequence[Any] = (),
) -> tuple[list[M], int]:
    """One page of ``model`` rows and the total that match the filters."""
    updated_at: Any = model.updated_at  # type: ignore[attr-defined]
    row_id: Any = model.id  # type: ignore[attr-defined]
    conditions = list(where)
    if updated_since is not None:
        conditions.append(updated_at >= updated_since)
    total = session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))
    rows = session.scalars(
        sa.select(model)
        .where(*conditions)
        .order_by(updated_at, row_id)
        .offset(offset)
        .limit(limit)
        .options(*options)
    ).all()
    return list(rows), int(total or 0)
