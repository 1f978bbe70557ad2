"""Turn OMS rows into the API's response shapes."""

from __future__ import annotations

from reference.oms import models, schemas


def order_out(order: models.Order) -> schemas.OrderOut:
    """The API shape of an order, with lines and their allocations."""
    lines = [
        schemas.OrderLineOut(
            line_no=line.line_no,
            item_sku=line.item_sku,
            qty_ordered=line.qty_ordered,
            qty_allocated=line.qty_allocated,
            qty_backordered=backordered(order, line),
            qty_shipped=line.qty_shipped,
            unit_price_minor=line.unit_price_minor,
            line_total_minor=line.qty_ordered * line.unit_price_minor,
            allocations=[
                schemas.AllocationOut(
                    warehouse=a.warehouse.code,
                    qty=a.qty,
                    qty_shipped=a.qty_shipped,
                    distance_km=a.distance_km,
                    ready_days=a.ready_days,
                )
                for a in line.allocations
            ],
        )
        for line in order.lines
    ]
    return schemas.OrderOut.model_validate(
        {
            "id": order.id,
            "channel": order.channel,
            "channel_order_ref": order.channel_order_ref,
            "status": order.status,
            "priority": order.priority,
            "customer_ref": order.customer_ref,
            "customer_tier": order.customer_tier,
            "ordered_at": order.ordered_at,
            "requested_date": order.requested_date,
            "promised_date": order.promised_date,
            "currency": order.currency,
            "total_minor": sum(line.line_total_minor for line in lines),
            "ship_to": schemas.ShipToOut(
                name=order.ship_to_name,
                line1=order.ship_to_line1,
                city=order.ship_to_city,
                postal_code=order.ship_to_postal_code,
                country=order.ship_to_country,
                latitude=order.ship_to_lat,
                longitude=order.ship_to_lon,
            ),
            "lines": lines,
            "invoice_number": order.invoice_number,
            "invoiced_at": order.invoiced_at,
            "created_at": order.created_at,
            "updated_at": order.updated_at,
            "version": order.version,
        }
    )


def backordered(order: models.Order, line: models.OrderLine) -> int:
    """Quantity still waiting for stock; nothing is waiting on a cancelled or new order."""
    if order.status in ("NEW", "CANCELLED"):
        return 0
    return line.qty_ordered - line.qty_allocated


def atp_out(row: models.Atp, *, applied: bool | None = None) -> schemas.AtpOut:
    """The API shape of one available-to-promise row."""
    data = {
        "warehouse": row.warehouse.code,
        "item_sku": row.item_sku,
        "qty_available": row.qty_available,
        "as_of_seq": row.as_of_seq,
        "updated_at": row.updated_at,
    }
    if applied is None:
        return schemas.AtpOut.model_validate(data)
    return schemas.AtpPutOut.model_validate({**data, "applied": applied})


def warehouse_out(row: models.Warehouse) -> schemas.WarehouseOut:
    return schemas.WarehouseOut(
        code=row.code,
        name=row.name,
        city=row.city,
        country=row.country,
        latitude=row.latitude,
        longitude=row.longitude,
        lead_time_days=row.lead_time_days,
    )


def customer_out(row: models.Customer) -> schemas.CustomerOut:
    return schemas.CustomerOut.model_validate(
        {
            "customer_ref": row.customer_ref,
            "name": row.name,
            "tier": row.tier,
            "country": row.country,
            "updated_at": row.updated_at,
        }
    )


def shipment_out(row: models.Shipment) -> schemas.ShipmentOut:
    return schemas.ShipmentOut.model_validate(
        {
            "id": row.id,
            "shipment_ref": row.shipment_ref,
            "order_id": row.order_id,
            "warehouse": row.warehouse.code,
            "tracking": row.tracking,
            "shipped_at": row.shipped_at,
            "lines": [{"line_no": ln.line_no, "qty": ln.qty} for ln in row.lines],
            "order_status": row.order.status,
        }
    )
