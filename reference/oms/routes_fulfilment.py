"""Shipment confirmations posted by the hub from what the warehouse shipped."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response

from reference.oms import fulfilment, models, schemas, views
from reference.oms.auth import can_read, can_write
from reference.oms.deps import reading, writing
from reference.oms.errors import NotFound

router = APIRouter(prefix="/shipments", tags=["shipments"], dependencies=[Depends(can_read)])


@router.post(
    "",
    response_model=schemas.ShipmentOut,
    status_code=201,
    dependencies=[Depends(can_write)],
    responses={200: {"description": "this shipment_ref was already confirmed"}},
)
def confirm_shipment(
    payload: schemas.ShipmentIn, request: Request, response: Response
) -> schemas.ShipmentOut:
    """Confirm a shipment; idempotent by shipment_ref."""
    with writing(request) as session:
        shipment, created = fulfilment.confirm_shipment(session, payload)
        if not created:
            response.status_code = 200
        return views.shipment_out(shipment)


@router.get("/{shipment_id}", response_model=schemas.ShipmentOut)
def get_shipment(shipment_id: int, request: Request) -> schemas.ShipmentOut:
    with reading(request) as session:
        shipment = session.scalars(
            sa.select(models.Shipment).where(models.Shipment.id == shipment_id)
        ).first()
        if shipment is None:
            raise NotFound(f"no shipment with id {shipment_id}", field="shipment_id")
        return views.shipment_out(shipment)
