"""Order to cash, the money half: shipment confirmations to OMS, ERP and CRM; the invoice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from canonical import Order
from connectors.errors import ConnectorError
from connectors.soap.records import as_records, plain
from hub.processes.framework import ProcessContext, StepResult
from hub.processes.o2c_common import (
    CONFIRMED,
    INVOICED,
    PICKED_UP,
    PROCESS,
    NotMapped,
    dead_letter,
    jsonable,
    mapped,
    mapping,
    soap_part,
)
from hub.processes.o2c_parties import OrderParties
from hub.store.models import ProcessItem
from hub.store.process_items import advance, get_item, items_at
from mappings import MappingError


def oms_order(ctx: ProcessContext, oms_id: int) -> dict[str, Any]:
    oms = ctx.systems.rest("oms")
    order: dict[str, Any] = oms.json(oms.request("GET", f"/orders/{oms_id}", entity="orders"))
    return order


def canonical_order(ctx: ProcessContext, session: Session, native: dict[str, Any]) -> Order:
    """The OMS order as a validated canonical Order (customer resolved to its hub id)."""
    model = mapped(mapping(ctx, "oms", "order", OrderParties(ctx, session)).to_model(native))
    assert isinstance(model, Order)
    return model


def _native(ctx: ProcessContext, session: Session, system: str, name: str, order: BaseModel) -> Any:
    native = mapped(mapping(ctx, system, name, OrderParties(ctx, session)).to_native(order))
    return native


def confirm_to_oms(ctx: ProcessContext, item: ProcessItem) -> None:
    """Each WMS shipment as an OMS shipment confirmation (idempotent by shipment_ref)."""
    oms, wms = ctx.systems.rest("oms"), ctx.systems.rest("wms")
    for shp_no in (item.data or {}).get("shipments", {}).values():
        shipment = wms.json(wms.request("GET", f"/shipments/{shp_no}", entity="shipment_requests"))
        oms.request(
            "POST",
            "/shipments",
            entity="shipments",
            json={
                "shipment_ref": shipment["shp_no"],
                "order_id": item.data["oms_id"],
                "warehouse": shipment["whse"],
                "tracking": shipment.get("tracking_no"),
                "shipped_at": shipment["updated_at"],
                "lines": [{"line_no": x["line_no"], "qty": x["qty"]} for x in shipment["lines"]],
            },
        )


def erp_sales_order(ctx: ProcessContext, session: Session, order: Order) -> dict[str, Any]:
    """Create (or find: idempotent by ExternalRef) the ERP sales order and post goods issue."""
    erp = ctx.systems.soap("erp")
    payload = _native(ctx, session, "erp", "order", order)
    answer = plain(erp.call("CreateSalesOrder", payload, entity="sales_orders"))
    sales_order: dict[str, Any] = soap_part(answer, "SalesOrder")
    erp_items = as_records(sales_order.get("Item"))
    issue = []
    # The ERP numbers items 10, 20, ... in the order they were given: the mapping's order.
    for line, erp_item in zip(order.lines, erp_items, strict=False):
        delta = line.quantity_shipped - Decimal(str(erp_item.get("ShippedQty") or 0))
        if delta > 0:
            issue.append({"ItemNo": erp_item["ItemNo"], "Quantity": delta})
    if issue:
        # Not idempotent by itself: the delta against what the ERP already shows makes it so.
        answer = plain(
            erp.call(
                "PostGoodsIssue",
                {"SalesOrderNo": sales_order["SalesOrderNo"], "Item": issue},
                entity="goods_issues",
                retry_safe=False,
            )
        )
        sales_order = soap_part(answer, "SalesOrder")
    return sales_order


def crm_history(ctx: ProcessContext, session: Session, order: Order, key: str) -> str | None:
    """The order in the customer's CRM order history (once per order number)."""
    native = dict(_native(ctx, session, "crm", "order", order))
    account = native.pop("accountId")
    crm = ctx.systems.rest("crm")
    response = crm.request(
        "POST",
        f"/accounts/{account}/orders",
        entity="order_history",
        json=jsonable(native),
        headers={"Idempotency-Key": f"o2c-history-{key}"},
        allow_status=(409,),
    )
    if response.status_code == 409:  # duplicate_order: recorded by an earlier run
        return str(account)
    body = crm.json(response)
    return str(body.get("orderId") or account)


def confirm_shipments(ctx: ProcessContext) -> StepResult:
    """Shipped orders -> OMS confirmation, ERP sales order + goods issue, CRM history."""
    result = StepResult()
    with ctx.sessions() as session:
        keys = [item.item_key for item in items_at(session, PROCESS, PICKED_UP)]
    for key in keys:
        with ctx.sessions.begin() as session:
            item = items_at_key(session, key)
            try:
                confirm_to_oms(ctx, item)
                native = oms_order(ctx, item.data["oms_id"])
                order = canonical_order(ctx, session, native)
                sales_order = erp_sales_order(ctx, session, order)
            except (ConnectorError, MappingError, NotMapped) as exc:
                dead_letter(session, "confirm_shipments", exc, item.data, key)
                result.add("dead_letters")
                continue
            try:
                crm_ref = crm_history(ctx, session, order, key)
            except (ConnectorError, MappingError, NotMapped) as exc:
                # The CRM's history is a courtesy copy: keep the failure, carry on to cash.
                dead_letter(session, "crm_order_history", exc, item.data, key)
                result.add("dead_letters")
                crm_ref = None
            advance(
                item,
                CONFIRMED,
                erp_sales_order=sales_order["SalesOrderNo"],
                crm_account=crm_ref,
                customer=order.customer.hub_id,
            )
            result.add("orders_shipped")
            result.add("erp_sales_orders")
            if crm_ref is not None:
                result.add("crm_history")
    return result


def items_at_key(session: Session, key: str) -> ProcessItem:
    """The process item under ``key`` (listed a moment ago)."""
    item = get_item(session, PROCESS, key)
    if item is None:  # pragma: no cover - listed a moment ago
        raise LookupError(f"process item {key} vanished")
    return item


def invoice(ctx: ProcessContext) -> StepResult:
    """ERP invoice for each shipped sales order -> OMS invoice notification (INVOICED)."""
    result = StepResult()
    erp, oms = ctx.systems.soap("erp"), ctx.systems.rest("oms")
    with ctx.sessions() as session:
        keys = [item.item_key for item in items_at(session, PROCESS, CONFIRMED)]
    for key in keys:
        with ctx.sessions.begin() as session:
            item = items_at_key(session, key)
            invoice_no = (item.data or {}).get("invoice")
            if invoice_no is None:
                so_no = item.data["erp_sales_order"]
                try:
                    sales_order = soap_part(
                        plain(
                            erp.call(
                                "GetSalesOrder", {"SalesOrderNo": so_no}, entity="sales_orders"
                            )
                        ),
                        "SalesOrder",
                    )
                    if sales_order["Status"] == "INVOICED":
                        # Invoiced, but its number was never recorded (a crash right after
                        # CreateInvoice): a person has to look it up.
                        dead_letter(
                            session,
                            "invoice",
                            "invoiced in the ERP, number unknown",
                            item.data,
                            key,
                        )
                        result.add("dead_letters")
                        continue
                    created = soap_part(
                        plain(
                            erp.call(
                                "CreateInvoice",
                                {"SalesOrderNo": so_no, "InvoiceDate": ctx.clock().date()},
                                entity="invoices",
                                retry_safe=False,
                            )
                        ),
                        "Invoice",
                    )
                except ConnectorError as exc:
                    dead_letter(session, "invoice", exc, item.data, key)
                    result.add("dead_letters")
                    continue
                invoice_no = created["InvoiceNo"]
                advance(item, CONFIRMED, invoice=invoice_no)
                result.add("erp_invoices")
        # The invoice number is committed before the OMS hears of it, so a retry reuses it.
        with ctx.sessions.begin() as session:
            item = items_at_key(session, key)
            try:
                oms.request(
                    "POST",
                    f"/orders/{item.data['oms_id']}/invoice",
                    entity="orders",
                    operation="invoice",
                    json={
                        "invoice_number": invoice_no,
                        "invoiced_at": ctx.clock().isoformat(),
                    },
                )
            except ConnectorError as exc:
                dead_letter(session, "invoice", exc, item.data, key)
                result.add("dead_letters")
                continue
            advance(item, INVOICED)
            result.add("orders_invoiced")
    return result
