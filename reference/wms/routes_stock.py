"""Ledger and stock endpoints: post and export movements, stock per location/lot and summary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Response

from reference.wms.auth import Reader, Writer
from reference.wms.codes import MOVEMENT_REASONS
from reference.wms.deps import Db, aware
from reference.wms.errors import invalid, not_found
from reference.wms.ledger import MovementSpec, ensure_lot, post, require_item
from reference.wms.models import NO_LOT, Movement
from reference.wms.paging import PageParams, fetch_page, page_params
from reference.wms.schemas import MovementIn, MovementOut, PageOut, StockOut, StockSummaryOut
from reference.wms.stock import stock_page, summary_page
from reference.wms.views import movement_out

router = APIRouter(tags=["stock"])
Paging = Annotated[PageParams, Depends(page_params)]
MovementType = Literal[
    "receipt",
    "pick",
    "adjust",
    "cycle_count",
    "transfer_out",
    "transfer_in",
    "allocate",
    "deallocate",
]


def _signed_qty(body: MovementIn) -> int:
    if body.qty == 0:
        raise invalid("qty", "must not be zero")
    if body.type in ("receipt", "pick") and body.qty < 0:
        raise invalid("qty", f"a {body.type} quantity is positive")
    return -body.qty if body.type == "pick" else body.qty


@router.post("/movements", response_model=MovementOut, status_code=201)
def post_movement(db: Db, user: Writer, body: MovementIn, response: Response) -> MovementOut:
    """Post a receipt, pick or adjustment; a repeated idempotency_key returns the original.

    ``qty`` is positive for receipts and picks and signed for adjustments. 201 when
    posted, 200 (with ``Idempotent-Replayed: true``) when the key was already used.
    """
    qty = _signed_qty(body)
    if body.expiry_date is not None and body.type != "receipt":
        raise invalid("expiry_date", "only a receipt may give a lot's expiry")
    lot_no = body.lot_no or NO_LOT
    spec = MovementSpec(
        mvt_type=body.type,
        reason_code=body.reason_code,
        whse=body.whse,
        loc=body.loc,
        item_code=body.item_code,
        lot_no=lot_no,
        qty=qty,
        ref_type="manual" if body.ref_no else None,
        ref_no=body.ref_no,
        note=body.note,
    )
    with db.write() as session:
        if body.type == "receipt" and body.reason_code in MOVEMENT_REASONS["receipt"]:
            existing = session.scalar(
                sa.select(Movement.id).where(Movement.idem_key == body.idempotency_key)
            )
            if existing is None:
                ensure_lot(session, require_item(session, body.item_code), lot_no, body.expiry_date)
        movement, created = post(session, body.idempotency_key, spec, user.name)
        if not created:
            response.status_code = 200
            response.headers["Idempotent-Replayed"] = "true"
        return movement_out(movement)


@router.get("/movements", response_model=PageOut[MovementOut])
def list_movements(
    db: Db,
    _user: Reader,
    paging: Paging,
    since: datetime | None = None,
    whse: str | None = None,
    item_code: str | None = None,
    type: MovementType | None = None,
) -> PageOut[MovementOut]:
    """The ledger in (created_at, id) order; ``since`` is inclusive."""
    lower = aware(since, "since")
    with db.read() as session:
        stmt = sa.select(Movement).order_by(Movement.created_at, Movement.id)
        if lower is not None:
            stmt = stmt.where(Movement.created_at >= lower)
        if whse is not None:
            stmt = stmt.where(Movement.whse == whse)
        if item_code is not None:
            stmt = stmt.where(Movement.item_code == item_code)
        if type is not None:
            stmt = stmt.where(Movement.mvt_type == type)
        return fetch_page(session, stmt, paging, movement_out)


@router.get("/movements/{movement_id}", response_model=MovementOut)
def get_movement(db: Db, _user: Reader, movement_id: int) -> MovementOut:
    with db.read() as session:
        row = session.get(Movement, movement_id)
        if row is None:
            raise not_found("movement", str(movement_id))
        return movement_out(row)


@router.get("/stock", response_model=PageOut[StockOut])
def list_stock(
    db: Db,
    _user: Reader,
    paging: Paging,
    whse: str | None = None,
    item_code: str | None = None,
    loc: str | None = None,
    include_zero: bool = False,
) -> PageOut[StockOut]:
    """Stock per (whse, loc, item_code, lot_no); rows at zero are left out unless asked for."""
    with db.read() as session:
        return stock_page(
            session, paging, whse=whse, item_code=item_code, loc=loc, include_zero=include_zero
        )


@router.get("/stock/summary", response_model=PageOut[StockSummaryOut])
def stock_summary(
    db: Db, _user: Reader, paging: Paging, whse: str | None = None, item_code: str | None = None
) -> PageOut[StockSummaryOut]:
    """Stock per warehouse and item."""
    with db.read() as session:
        return summary_page(session, paging, whse=whse, item_code=item_code)
