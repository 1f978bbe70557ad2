"""Stock read models: balances per location and lot, per warehouse and item, FEFO candidates."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.wms.models import Lot, Stock
from reference.wms.paging import AnySelect, PageParams, fetch_page
from reference.wms.schemas import PageOut, StockOut, StockSummaryOut


def stock_rows_query(
    *, whse: str | None, item_code: str | None, loc: str | None, include_zero: bool
) -> AnySelect:
    stmt = sa.select(Stock, Lot.expiry_date).outerjoin(
        Lot, sa.and_(Lot.item_code == Stock.item_code, Lot.lot_no == Stock.lot_no)
    )
    if whse is not None:
        stmt = stmt.where(Stock.whse == whse)
    if item_code is not None:
        stmt = stmt.where(Stock.item_code == item_code)
    if loc is not None:
        stmt = stmt.where(Stock.loc == loc)
    if not include_zero:
        stmt = stmt.where(sa.or_(Stock.on_hand != 0, Stock.allocated != 0))
    return stmt.order_by(Stock.whse, Stock.loc, Stock.item_code, Stock.lot_no)


def _stock_out(row: Any) -> StockOut:
    stock: Stock = row[0]
    return StockOut(
        whse=stock.whse,
        loc=stock.loc,
        item_code=stock.item_code,
        lot_no=stock.lot_no or None,
        expiry_date=row[1],
        on_hand=stock.on_hand,
        allocated=stock.allocated,
        available=stock.on_hand - stock.allocated,
        updated_at=stock.updated_at,
    )


def stock_page(
    session: Session,
    params: PageParams,
    *,
    whse: str | None,
    item_code: str | None,
    loc: str | None,
    include_zero: bool,
) -> PageOut[StockOut]:
    stmt = stock_rows_query(whse=whse, item_code=item_code, loc=loc, include_zero=include_zero)
    return fetch_page(session, stmt, params, _stock_out, scalars=False)


def summary_page(
    session: Session, params: PageParams, *, whse: str | None, item_code: str | None
) -> PageOut[StockSummaryOut]:
    stmt = sa.select(
        Stock.whse,
        Stock.item_code,
        sa.func.sum(Stock.on_hand).label("on_hand"),
        sa.func.sum(Stock.allocated).label("allocated"),
    )
    if whse is not None:
        stmt = stmt.where(Stock.whse == whse)
    if item_code is not None:
        stmt = stmt.where(Stock.item_code == item_code)
    stmt = stmt.group_by(Stock.whse, Stock.item_code).order_by(Stock.whse, Stock.item_code)

    def convert(row: Any) -> StockSummaryOut:
        on_hand, allocated = int(row.on_hand), int(row.allocated)
        return StockSummaryOut(
            whse=row.whse,
            item_code=row.item_code,
            on_hand=on_hand,
            allocated=allocated,
            available=on_hand - allocated,
        )

    return fetch_page(session, stmt, params, convert, scalars=False)


def fefo_candidates(session: Session, whse: str, item_code: str) -> list[Stock]:
    """Stock with something available, first-expiring first, then first-received first.

    Expired lots are never offered; lots without an expiry come after those with one.
    """
    today = datetime.now(UTC).date()
    stmt = (
        sa.select(Stock)
        .outerjoin(Lot, sa.and_(Lot.item_code == Stock.item_code, Lot.lot_no == Stock.lot_no))
        .where(
            Stock.whse == whse,
            Stock.item_code == item_code,
            Stock.on_hand > Stock.allocated,
            sa.or_(Lot.expiry_date.is_(None), Lot.expiry_date >= today),
        )
        .order_by(Lot.expiry_date.is_(None), Lot.expiry_date, Stock.first_mvt_id, Stock.loc)
    )
    return list(session.scalars(stmt).all())
