"""Order to cash, the warehouse half: allocate in the OMS, release to the WMS, await shipping."""

from __future__ import annotations

from typing import Any

from connectors.errors import ConnectorError
from hub.processes.framework import ProcessContext, StepResult
from hub.processes.o2c_common import (
    ALLOCATED_STATUSES,
    OPEN_STATUSES,
    PICKED_UP,
    PROCESS,
    RECEIVED,
    RELEASED,
    RELEASING,
    NotMapped,
    dead_letter,
    item_key,
    mapped,
    mapping,
    oms_orders,
    scope,
)
from hub.processes.o2c_parties import OrderParties
from hub.store.process_items import advance, items_at, track_item
from mappings import MappingError


def allocate(ctx: ProcessContext) -> StepResult:
    """Run the OMS allocation over open orders; count allocated and backordered ones."""
    result = StepResult()
    body: dict[str, Any] = {}
    if scope(ctx) is not None:
        ids = [order["id"] for order in oms_orders(ctx, OPEN_STATUSES)]
        if not ids:
            return result
        body["order_ids"] = ids[:1000]
    oms = ctx.systems.rest("oms")
    response = oms.request(
        "POST", "/allocation/run", entity="orders", operation="allocate", json=body
    )
    for outcome in oms.json(response, entity="orders")["orders"]:
        status = outcome["status"]
        if status == "ALLOCATED":
            result.add("orders_allocated")
        elif status == "PARTIALLY_ALLOCATED":
            result.add("orders_partially_allocated")
        elif status == "BACKORDERED":
            result.add("orders_backordered")
    return result


def shipment_requests(
    ctx: ProcessContext, order: dict[str, Any], parties: OrderParties
) -> list[dict[str, Any]]:
    """One WMS shipment request per warehouse the OMS allocated the order to."""
    per_warehouse: dict[str, list[dict[str, Any]]] = {}
    for line in order["lines"]:
        for allocation in line.get("allocations") or []:
            open_qty = int(allocation["qty"]) - int(allocation.get("qty_shipped") or 0)
            if open_qty <= 0:
                continue
            per_warehouse.setdefault(allocation["warehouse"], []).append(
                {
                    "line_no": line["line_no"],
                    "sku": line["item_sku"],
                    "quantity": {"value": open_qty, "uom": "EA"},
                }
            )
    ship_to = order.get("ship_to") or {}
    address = {
        "role": "ship_to",
        "lines": [ship_to["line1"]] if ship_to.get("line1") else [],
        "city": ship_to.get("city"),
        "postal_code": ship_to.get("postal_code"),
        "country": ship_to.get("country"),
    }
    to_wms = mapping(ctx, "wms", "order", parties)
    out = []
    for warehouse, lines in per_warehouse.items():
        canonical = {
            "order_number": order["channel_order_ref"],
            "allocations": [{"warehouse_id": warehouse}],
            "ship_to": {"name": ship_to.get("name"), "address": address},
            "lines": lines,
        }
        out.append(mapped(to_wms.to_native(canonical)))
    return out


def release_to_wms(ctx: ProcessContext) -> StepResult:
    """Allocated OMS orders -> WMS shipment requests (one per warehouse), OMS RELEASED."""
    result = StepResult()
    oms = ctx.systems.rest("oms")
    wms = ctx.systems.rest("wms")
    for order in oms_orders(ctx, ALLOCATED_STATUSES):
        key = item_key(order["channel"], order["channel_order_ref"])
        with ctx.sessions.begin() as session:
            item, _ = track_item(
                session,
                PROCESS,
                key,
                stage=RELEASING,
                run_key=ctx.run_key,
                data={"oms_id": order["id"], "channel": order["channel"]},
            )
            if item.stage not in (RECEIVED, RELEASING):
                continue  # released before
            try:
                requests = shipment_requests(ctx, order, OrderParties(ctx, session))
            except (MappingError, NotMapped) as exc:
                dead_letter(session, "release_to_wms", exc, order, key)
                result.add("dead_letters")
                continue
            if not requests:
                result.notes.append(f"{key}: allocated, but nothing left to ship")
                continue
        shipments: dict[str, str] = {}
        try:
            for body in requests:
                response = wms.request("POST", "/shipments", entity="shipment_requests", json=body)
                shipments[body["whse"]] = wms.json(response)["shp_no"]
            oms.request(
                "POST",
                f"/orders/{order['id']}/status",
                entity="orders",
                operation="release",
                json={"status": "RELEASED"},
            )
        except ConnectorError as exc:
            with ctx.sessions.begin() as session:
                dead_letter(session, "release_to_wms", exc, order, key)
            result.add("dead_letters")
            continue
        with ctx.sessions.begin() as session:
            item, _ = track_item(session, PROCESS, key, stage=RELEASING, run_key=ctx.run_key)
            advance(item, RELEASED, shipments=shipments, oms_id=order["id"])
        result.add("orders_released")
        result.add("shipment_requests", len(shipments))
    return result


def await_shipments(ctx: ProcessContext) -> StepResult:
    """Wait until the warehouse shipped every released request; counts what still waits."""
    result = StepResult()
    wms = ctx.systems.rest("wms")
    with ctx.sessions.begin() as session:
        for item in items_at(session, PROCESS, RELEASED):
            statuses = []
            for shp_no in (item.data or {}).get("shipments", {}).values():
                response = wms.request("GET", f"/shipments/{shp_no}", entity="shipment_requests")
                statuses.append(wms.json(response)["status"])
            if "CANCELLED" in statuses:
                dead_letter(
                    session,
                    "await_shipments",
                    "the warehouse cancelled a shipment",
                    item.data,
                    item.item_key,
                )
                advance(item, RELEASED, status="failed")
                result.add("dead_letters")
            elif statuses and all(s == "SHIPPED" for s in statuses):
                advance(item, PICKED_UP)
                result.add("shipments_shipped", len(statuses))
            else:
                result.add("waiting")
    return result
