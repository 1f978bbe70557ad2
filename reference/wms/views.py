"""Rows to response shapes (the database keeps "no lot" as ""; the API shows null)."""

from __future__ import annotations

from reference.wms.models import Item, Location, Lot, Movement, Warehouse
from reference.wms.schemas import ItemOut, LocationOut, LotOut, MovementOut, WarehouseOut


def warehouse_out(row: Warehouse) -> WarehouseOut:
    return WarehouseOut(
        whse=row.whse,
        name=row.name,
        city=row.city,
        country=row.country,
        gln=row.gln,
        updated_at=row.updated_at,
    )


def location_out(row: Location) -> LocationOut:
    return LocationOut.model_validate(
        {"whse": row.whse, "loc": row.loc, "loc_type": row.loc_type, "updated_at": row.updated_at}
    )


def item_out(row: Item) -> ItemOut:
    return ItemOut(
        item_code=row.item_code,
        descr=row.descr,
        uom=row.uom,
        gtin=row.gtin,
        lot_tracked=row.lot_tracked,
        shelf_life_days=row.shelf_life_days,
        weight_kg=row.weight_kg,
        status=row.status,
        updated_at=row.updated_at,
    )


def lot_out(row: Lot) -> LotOut:
    return LotOut(
        item_code=row.item_code,
        lot_no=row.lot_no,
        expiry_date=row.expiry_date,
        created_at=row.created_at,
    )


def movement_out(row: Movement) -> MovementOut:
    return MovementOut(
        id=row.id,
        idempotency_key=row.idem_key,
        type=row.mvt_type,
        reason_code=row.reason_code,
        whse=row.whse,
        loc=row.loc,
        item_code=row.item_code,
        lot_no=row.lot_no or None,
        qty=row.qty,
        alloc_qty=row.alloc_qty,
        ref_type=row.ref_type,
        ref_no=row.ref_no,
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
    )
