"""Warehouses, available-to-promise and the allocation run."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query, Request, Response

from reference.oms import allocation, clock, inventory, models, schemas, views
from reference.oms.auth import can_read, can_write
from reference.oms.deps import DEFAULT_LIMIT, MAX_LIMIT, aware, reading, set_paging_headers, writing

router = APIRouter(dependencies=[Depends(can_read)])

WarehouseCode = Path(min_length=1, max_length=20, pattern=r"^[A-Z0-9][A-Z0-9\-]*$")
SkuPath = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@router.get("/warehouses", response_model=list[schemas.WarehouseOut], tags=["inventory"])
def list_warehouses(request: Request) -> list[schemas.WarehouseOut]:
    with reading(request) as session:
        rows = session.scalars(sa.select(models.Warehouse).order_by(models.Warehouse.code))
        return [views.warehouse_out(row) for row in rows]


@router.get("/inventory", response_model=list[schemas.AtpOut], tags=["inventory"])
def list_inventory(
    request: Request,
    response: Response,
    offset: int = Query(0, ge=0),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    warehouse: str | None = None,
    item_sku: str | None = None,
    updated_since: datetime | None = Query(None, description="inclusive lower bound"),
) -> list[schemas.AtpOut]:
    """ATP rows in (updated_at, id) order, paged like /orders."""
    since = aware(updated_since, "updated_since")
    with reading(request) as session:
        rows, total = inventory.list_atp(
            session,
            offset=offset,
            limit=limit,
            warehouse=warehouse,
            item_sku=item_sku,
            updated_since=since,
        )
        set_paging_headers(request, response, offset=offset, limit=limit, total=total)
        return [views.atp_out(row) for row in rows]


@router.get("/inventory/{warehouse}/{sku}", response_model=schemas.AtpOut, tags=["inventory"])
def get_inventory(
    request: Request, warehouse: str = WarehouseCode, sku: str = SkuPath
) -> schemas.AtpOut:
    with reading(request) as session:
        return views.atp_out(inventory.get_atp(session, warehouse, sku))


@router.put(
    "/inventory/{warehouse}/{sku}",
    response_model=schemas.AtpPutOut,
    dependencies=[Depends(can_write)],
    tags=["inventory"],
)
def put_inventory(
    payload: schemas.AtpIn,
    request: Request,
    warehouse: str = WarehouseCode,
    sku: str = SkuPath,
) -> schemas.AtpOut:
    """Push one ATP snapshot; ignored (applied=false) unless as_of_seq is newer."""
    with writing(request) as session:
        row, applied = inventory.put_one(
            session, warehouse, sku, payload.qty_available, payload.as_of_seq
        )
        return views.atp_out(row, applied=applied)


@router.post(
    "/inventory/batch",
    response_model=schemas.AtpBatchOut,
    dependencies=[Depends(can_write)],
    tags=["inventory"],
)
def put_inventory_batch(payload: schemas.AtpBatchIn, request: Request) -> schemas.AtpBatchOut:
    """Push up to 1000 snapshots at once, all or nothing."""
    updates = [(u.warehouse, u.item_sku, u.qty_available, u.as_of_seq) for u in payload.updates]
    with writing(request) as session:
        results = inventory.put_batch(session, updates)
        outs = [views.atp_out(row, applied=applied) for row, applied in results]
    applied_count = sum(1 for _row, applied in results if applied)
    return schemas.AtpBatchOut.model_validate(
        {
            "applied": applied_count,
            "ignored_stale": len(results) - applied_count,
            "results": outs,
        }
    )


@router.post(
    "/allocation/run",
    response_model=schemas.AllocationRunOut,
    dependencies=[Depends(can_write)],
    tags=["allocation"],
)
def run_allocation(
    request: Request, payload: schemas.AllocationRunIn | None = None
) -> schemas.AllocationRunOut:
    """Allocate open orders (all, or those of order_ids) by priority, tier and age."""
    body = payload or schemas.AllocationRunIn()
    as_of = body.as_of_date or clock.now().date()
    with writing(request) as session:
        results = allocation.run(session, as_of, body.order_ids)
    return schemas.AllocationRunOut.model_validate(
        {
            "orders": [
                schemas.AllocationResultOut.model_validate(r, from_attributes=True) for r in results
            ]
        }
    )
