"""Page-number paging over a stably ordered query."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeAlias, TypeVar

import sqlalchemy as sa
from fastapi import Query
from sqlalchemy.orm import Session

from reference.wms.schemas import PageOut

T = TypeVar("T")
MAX_PAGE_SIZE = 1000
# A select of any columns (Select is generic over its row's column types).
AnySelect: TypeAlias = sa.Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class PageParams:
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
) -> PageParams:
    """FastAPI dependency reading ``?page=&page_size=``."""
    return PageParams(page, page_size)


def fetch_page(
    session: Session,
    stmt: AnySelect,
    params: PageParams,
    convert: Callable[[Any], T],
    *,
    scalars: bool = True,
) -> PageOut[T]:
    """Run ``stmt`` (already ordered by a unique key) for one page and count the whole."""
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    total_items = int(total or 0)
    paged = stmt.limit(params.page_size).offset(params.offset)
    rows: Sequence[Any] = session.scalars(paged).all() if scalars else session.execute(paged).all()
    return PageOut[T](
        items=[convert(row) for row in rows],
        page=params.page,
        page_size=params.page_size,
        total_pages=-(-total_items // params.page_size),
        total_items=total_items,
    )
