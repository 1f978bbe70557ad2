"""Outbound endpoints: shipment requests and their allocate/pick/pack/ship/cancel steps."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Body, Depends, Response

from reference.wms import shipping
from reference.wms.auth import Reader, Writer
from reference.wms.deps import Db, aware
from reference.wms.models import Shipment
from reference.wms.paging import PageParams, fetch_page, page_params
from reference.wms.schemas import PageOut
from reference.wms.schemas_docs import PackIn, ShipIn, ShipmentIn, ShipmentOut

router = APIRouter(prefix="/shipments", tags=["outbound"])
Paging = Annotated[PageParams, Depends(page_params)]
Status = Literal["REQUESTED", "ALLOCATED", "PICKED", "PACKED", "SHIPPED", "CANCELLED"]


@router.post("", response_model=ShipmentOut, status_code=201)
def post_shipment(db: Db, _user: Writer, body: ShipmentIn, response: Response) -> ShipmentOut:
    """Request a shipment; the same (whse, order_ref) and content returns the first one (200)."""
    with db.write() as session:
        shipment, created = shipping.create_shipment(session, body)
        if not created:
            response.status_code = 200
        return shipping.shipment_out(session, shipment)


@router.get("", response_model=PageOut[ShipmentOut])
def list_shipments(
    db: Db,
    _user: Reader,
    paging: Paging,
    updated_since: datetime | None = None,
    status: Status | None = None,
    whse: str | None = None,
    order_ref: str | None = None,
) -> PageOut[ShipmentOut]:
    """Shipments in (updated_at, shp_no) order; ``updated_since`` is inclusive."""
    since = aware(updated_since, "updated_since")
    with db.read() as session:
        stmt = sa.select(Shipment).order_by(Shipment.updated_at, Shipment.shp_no)
        if since is not None:
            stmt = stmt.where(Shipment.updated_at >= since)
        if status is not None:
            stmt = stmt.where(Shipment.status == status)
        if whse is not None:
            stmt = stmt.where(Shipment.whse == whse)
        if order_ref is not None:
            stmt = stmt.where(Shipment.order_ref == order_ref)
        return fetch_page(session, stmt, paging, lambda row: shipping.shipment_out(session, row))


@router.get("/{shp_no}", response_model=ShipmentOut)
def read_shipment(db: Db, _user: Reader, shp_no: str) -> ShipmentOut:
    with db.read() as session:
        return shipping.shipment_out(session, shipping.get_shipment(session, shp_no))


@router.post("/{shp_no}/allocate", response_model=ShipmentOut)
def allocate(db: Db, user: Writer, shp_no: str) -> ShipmentOut:
    """Reserve stock FEFO/FIFO and create pick tasks; 409 when stock is short."""
    with db.write() as session:
        shipment = shipping.get_shipment(session, shp_no, lock=True)
        shipping.allocate(session, shipment, user.name)
        return shipping.shipment_out(session, shipment)


@router.post("/{shp_no}/pick", response_model=ShipmentOut)
def pick(db: Db, user: Writer, shp_no: str) -> ShipmentOut:
    """Confirm all pick tasks (posts the pick movements)."""
    with db.write() as session:
        shipment = shipping.get_shipment(session, shp_no, lock=True)
        shipping.pick(session, shipment, user.name)
        return shipping.shipment_out(session, shipment)


@router.post("/{shp_no}/pack", response_model=ShipmentOut)
def pack(
    db: Db, _user: Writer, shp_no: str, body: Annotated[PackIn | None, Body()] = None
) -> ShipmentOut:
    """Pack what was picked into packages labelled with SSCCs (one package if none given)."""
    with db.write() as session:
        shipment = shipping.get_shipment(session, shp_no, lock=True)
        shipping.pack(session, shipment, body or PackIn())
        return shipping.shipment_out(session, shipment)


@router.post("/{shp_no}/ship", response_model=ShipmentOut)
def ship(db: Db, _user: Writer, shp_no: str, body: ShipIn) -> ShipmentOut:
    with db.write() as session:
        shipment = shipping.get_shipment(session, shp_no, lock=True)
        shipping.ship(session, shipment, body)
        return shipping.shipment_out(session, shipment)


@router.post("/{shp_no}/cancel", response_model=ShipmentOut)
def cancel(db: Db, user: Writer, shp_no: str) -> ShipmentOut:
    """Cancel a shipment not yet picked, releasing its reservations."""
    with db.write() as session:
        shipment = shipping.get_shipment(session, shp_no, lock=True)
        shipping.cancel(session, shipment, user.name)
        return shipping.shipment_out(session, shipment)
