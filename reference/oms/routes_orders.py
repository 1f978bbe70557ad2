"""Order endpoints: create, read, list, status changes, allocation of one order, invoices."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request, Response

from reference.oms import allocation, clock, fulfilment, orders, schemas, views
from reference.oms.auth import can_read, can_write
from reference.oms.deps import DEFAULT_LIMIT, MAX_LIMIT, aware, reading, set_paging_headers, writing
from reference.oms.errors import NotFound

router = APIRouter(prefix="/orders", tags=["orders"], dependencies=[Depends(can_read)])


@router.post(
    "",
    response_model=schemas.OrderOut,
    status_code=201,
    dependencies=[Depends(can_write)],
    responses={200: {"description": "the order already existed for this channel reference"}},
)
def create_order(
    payload: schemas.OrderIn, request: Request, response: Response
) -> schemas.OrderOut:
    """Create a channel order; idempotent by (channel, channel_order_ref)."""
    with writing(request) as session:
        order, created = orders.create_order(session, payload)
        if not created:
            response.status_code = 200
        response.headers["Location"] = f"/orders/{order.id}"
        return views.order_out(order)


@router.get("", response_model=list[schemas.OrderOut])
def list_orders(
    request: Request,
    response: Response,
    offset: int = Query(0, ge=0),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: datetime | None = Query(None, description="inclusive lower bound"),
    status: schemas.Status | None = None,
    channel: schemas.Channel | None = None,
    customer_ref: str | None = None,
) -> list[schemas.OrderOut]:
    """Orders in (updated_at, id) order, paged by offset/limit with a Link header."""
    since = aware(updated_since, "updated_since")
    with reading(request) as session:
        rows, total = orders.list_orders(
            session,
            offset=offset,
            limit=limit,
            updated_since=since,
            status=status,
            channel=channel,
            customer_ref=customer_ref,
        )
        set_paging_headers(request, response, offset=offset, limit=limit, total=total)
        return [views.order_out(row) for row in rows]


@router.get("/by-ref/{channel}/{channel_order_ref}", response_model=schemas.OrderOut)
def get_by_ref(
    channel: schemas.Channel, channel_order_ref: str, request: Request
) -> schemas.OrderOut:
    """The order a channel knows by its own reference."""
    with reading(request) as session:
        order = orders.find_by_ref(session, channel, channel_order_ref)
        if order is None:
            raise NotFound(f"no order {channel}/{channel_order_ref}", field="channel_order_ref")
        return views.order_out(order)


@router.get("/{order_id}", response_model=schemas.OrderOut)
def get_order(order_id: int, request: Request) -> schemas.OrderOut:
    with reading(request) as session:
        return views.order_out(orders.get_order(session, order_id))


@router.post(
    "/{order_id}/status", response_model=schemas.OrderOut, dependencies=[Depends(can_write)]
)
def change_status(
    order_id: int, payload: schemas.StatusChangeIn, request: Request
) -> schemas.OrderOut:
    """Release to the warehouse, cancel or close; 409 when the machine forbids it."""
    with writing(request) as session:
        order = orders.get_order(session, order_id)
        return views.order_out(orders.change_status(session, order, payload.status))


@router.post(
    "/{order_id}/allocate",
    response_model=schemas.AllocationResultOut,
    dependencies=[Depends(can_write)],
)
def allocate_order(order_id: int, request: Request) -> schemas.AllocationResultOut:
    """Allocate this one order now, ahead of the queue."""
    with writing(request) as session:
        result = allocation.allocate_one(session, order_id, clock.now().date())
        return schemas.AllocationResultOut.model_validate(result, from_attributes=True)


@router.post(
    "/{order_id}/invoice", response_model=schemas.OrderOut, dependencies=[Depends(can_write)]
)
def invoice_order(order_id: int, payload: schemas.InvoiceIn, request: Request) -> schemas.OrderOut:
    """Invoice notification: a shipped order becomes INVOICED."""
    with writing(request) as session:
        return views.order_out(fulfilment.record_invoice(session, order_id, payload))


@router.get("/{order_id}/shipments", response_model=list[schemas.ShipmentOut])
def order_shipments(order_id: int, request: Request) -> list[schemas.ShipmentOut]:
    with reading(request) as session:
        return [views.shipment_out(s) for s in fulfilment.list_shipments(session, order_id)]
