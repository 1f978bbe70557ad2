"""Master data endpoints: warehouses, locations, items (pushed by the hub), lots, reasons."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy.orm import Session

from reference.wms.auth import Reader, Writer
from reference.wms.codes import MOVEMENT_REASONS, REASON_CODES
from reference.wms.deps import Db, aware
from reference.wms.errors import invalid, not_found
from reference.wms.models import Item, Location, Lot, Stock, Warehouse, utcnow
from reference.wms.paging import PageParams, fetch_page, page_params
from reference.wms.schemas import (
    Code,
    ItemIn,
    ItemOut,
    LocationOut,
    LotOut,
    PageOut,
    ReasonCodeOut,
    WarehouseOut,
)
from reference.wms.views import item_out, location_out, lot_out, warehouse_out

router = APIRouter(tags=["master data"])
Paging = Annotated[PageParams, Depends(page_params)]


@router.get("/warehouses", response_model=PageOut[WarehouseOut])
def list_warehouses(db: Db, _user: Reader, paging: Paging) -> PageOut[WarehouseOut]:
    with db.read() as session:
        stmt = sa.select(Warehouse).order_by(Warehouse.whse)
        return fetch_page(session, stmt, paging, warehouse_out)


@router.get("/warehouses/{whse}", response_model=WarehouseOut)
def get_warehouse(db: Db, _user: Reader, whse: str) -> WarehouseOut:
    with db.read() as session:
        row = session.get(Warehouse, whse)
        if row is None:
            raise not_found("warehouse", whse)
        return warehouse_out(row)


@router.get("/locations", response_model=PageOut[LocationOut])
def list_locations(
    db: Db, _user: Reader, paging: Paging, whse: str | None = None
) -> PageOut[LocationOut]:
    with db.read() as session:
        stmt = sa.select(Location).order_by(Location.whse, Location.loc)
        if whse is not None:
            stmt = stmt.where(Location.whse == whse)
        return fetch_page(session, stmt, paging, location_out)


@router.get("/items", response_model=PageOut[ItemOut])
def list_items(
    db: Db,
    _user: Reader,
    paging: Paging,
    updated_since: datetime | None = None,
    status: Literal["ACTIVE", "INACTIVE"] | None = None,
) -> PageOut[ItemOut]:
    """Items in (updated_at, item_code) order; ``updated_since`` is inclusive."""
    since = aware(updated_since, "updated_since")
    with db.read() as session:
        stmt = sa.select(Item).order_by(Item.updated_at, Item.item_code)
        if since is not None:
            stmt = stmt.where(Item.updated_at >= since)
        if status is not None:
            stmt = stmt.where(Item.status == status)
        return fetch_page(session, stmt, paging, item_out)


@router.get("/items/{item_code}", response_model=ItemOut)
def get_item(db: Db, _user: Reader, item_code: str) -> ItemOut:
    with db.read() as session:
        row = session.get(Item, item_code)
        if row is None:
            raise not_found("item", item_code)
        return item_out(row)


@router.put("/items/{item_code}", response_model=ItemOut)
def put_item(
    db: Db, user: Writer, item_code: Annotated[Code, Path()], body: ItemIn, response: Response
) -> ItemOut:
    """Create or replace an item; 201 when new. An unchanged item keeps its updated_at."""
    weight = None if body.weight_kg is None else str(body.weight_kg)
    values = {
        "descr": body.descr,
        "uom": body.uom,
        "gtin": body.gtin,
        "lot_tracked": body.lot_tracked,
        "shelf_life_days": body.shelf_life_days,
        "weight_kg": weight,
        "status": body.status,
    }
    with db.write() as session:
        row = session.get(Item, item_code)
        if row is None:
            row = Item(item_code=item_code, updated_at=utcnow(), **values)
            session.add(row)
            response.status_code = 201
        else:
            if row.lot_tracked != body.lot_tracked and _has_stock(session, item_code):
                raise invalid("lot_tracked", "cannot change lot tracking of an item with stock")
            if any(getattr(row, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                row.updated_at = utcnow()
        session.flush()
        return item_out(row)


def _has_stock(session: Session, item_code: str) -> bool:
    stmt = sa.select(Stock.item_code).where(Stock.item_code == item_code, Stock.on_hand > 0)
    return session.scalar(stmt.limit(1)) is not None


@router.get("/lots", response_model=PageOut[LotOut])
def list_lots(
    db: Db, _user: Reader, paging: Paging, item_code: Annotated[str | None, Query()] = None
) -> PageOut[LotOut]:
    with db.read() as session:
        stmt = sa.select(Lot).order_by(Lot.item_code, Lot.lot_no)
        if item_code is not None:
            stmt = stmt.where(Lot.item_code == item_code)
        return fetch_page(session, stmt, paging, lot_out)


@router.get("/reason-codes", response_model=list[ReasonCodeOut])
def list_reason_codes(_user: Reader) -> list[ReasonCodeOut]:
    return [
        ReasonCodeOut(
            code=code,
            descr=descr,
            movement_types=sorted(t for t, codes in MOVEMENT_REASONS.items() if code in codes),
        )
        for code, descr in REASON_CODES.items()
    ]
