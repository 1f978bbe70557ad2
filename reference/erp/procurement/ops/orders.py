"""Purchase order operations: create, get, list, confirm (855), cancel."""

from __future__ import annotations

from lxml import etree
from sqlalchemy.orm import Session

from reference.erp.procurement import orders
from reference.erp.procurement.models import PurchaseOrder
from reference.erp.procurement.ops.xmlns import B, each
from reference.erp.soap.paging import page_size
from reference.erp.soap.service import (
    OperationContext,
    opt_date,
    opt_decimal,
    opt_int,
    opt_text,
    req_date,
    req_datetime,
    req_decimal,
    req_int,
    req_text,
)


def po_element(session: Session, parent: etree._Element, po: PurchaseOrder) -> etree._Element:
    """Append a PurchaseOrder element with its items to ``parent``."""
    node = B.group(parent, "PurchaseOrder")
    B.fields(
        node,
        [
            ("PurchaseOrderNo", po.po_no),
            ("ExternalRef", po.external_ref),
            ("VendorNo", po.vendor_no),
            ("Plant", po.plant),
            ("DocDate", po.doc_date),
            ("Currency", po.currency),
            ("NetValue", po.net_value),
            ("Status", po.status),
            ("CreatedBy", po.created_by),
            ("CreatedAt", po.created_at),
            ("ChangedAt", po.changed_at),
        ],
    )
    for item in orders.items_of(session, po.po_no):
        item_node = B.group(node, "Item")
        B.fields(
            item_node,
            [
                ("ItemNo", item.item_no),
                ("MaterialNo", item.material_no),
                ("Quantity", item.quantity),
                ("Unit", item.uom),
                ("NetPrice", item.net_price),
                ("DeliveryDate", item.delivery_date),
                ("OverDeliveryTolerance", item.over_delivery_pct),
                ("ConfirmedQuantity", item.confirmed_qty),
                ("ConfirmedPrice", item.confirmed_price),
                ("ConfirmedDate", item.confirmed_date),
                ("ReceivedQuantity", item.received_qty),
                ("InvoicedQuantity", item.invoiced_qty),
                ("OpenQuantity", max(item.quantity - item.received_qty, 0 * item.quantity)),
            ],
        )
    return node


def _parse_item(node: etree._Element) -> orders.PoItemData:
    return orders.PoItemData(
        item_no=opt_int(node, "ItemNo"),
        material_no=req_text(node, "MaterialNo", max_len=40),
        quantity=req_decimal(node, "Quantity"),
        uom=req_text(node, "Unit", max_len=3),
        net_price=req_decimal(node, "NetPrice"),
        delivery_date=req_date(node, "DeliveryDate"),
        over_delivery_pct=opt_decimal(node, "OverDeliveryTolerance"),
    )


def create_purchase_order(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Create a PO (idempotent by ExternalRef); Created is false for a repeat."""
    data = orders.PoData(
        external_ref=req_text(payload, "ExternalRef", max_len=40),
        vendor_no=req_text(payload, "VendorNo", max_len=10),
        plant=req_text(payload, "Plant", max_len=4),
        currency=opt_text(payload, "Currency", max_len=3),
        doc_date=opt_date(payload, "DocDate"),
        items=each(payload, "Item", _parse_item),
    )
    po, created = orders.create_purchase_order(ctx.session, data, ctx.user, ctx.now)
    response = B.el("CreatePurchaseOrderResponse")
    B.sub(response, "Created", created)
    po_element(ctx.session, response, po)
    return response


def get_purchase_order(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """One PO by PurchaseOrderNo or ExternalRef."""
    po = orders.get_purchase_order(
        ctx.session,
        opt_text(payload, "PurchaseOrderNo", max_len=10),
        opt_text(payload, "ExternalRef", max_len=40),
    )
    response = B.el("GetPurchaseOrderResponse")
    po_element(ctx.session, response, po)
    return response


def list_purchase_orders(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """A page of POs changed since a time, optionally of one vendor or status."""
    rows, token = orders.list_purchase_orders(
        ctx.session,
        req_datetime(payload, "ChangedSince"),
        opt_text(payload, "ContinuationToken"),
        page_size(opt_int(payload, "MaxRecords")),
        vendor_no=opt_text(payload, "VendorNo", max_len=10),
        status=opt_text(payload, "Status", max_len=10),
    )
    response = B.el("ListPurchaseOrdersResponse")
    for po in rows:
        po_element(ctx.session, response, po)
    B.sub(response, "ContinuationToken", token)
    return response


def _parse_confirmation(node: etree._Element) -> orders.ConfirmationData:
    return orders.ConfirmationData(
        item_no=req_int(node, "ItemNo"),
        confirmed_qty=req_decimal(node, "ConfirmedQuantity"),
        confirmed_price=opt_decimal(node, "ConfirmedPrice"),
        confirmed_date=opt_date(node, "ConfirmedDate"),
    )


def update_confirmation(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Record the supplier's confirmation per item."""
    po = orders.confirm_purchase_order(
        ctx.session,
        req_text(payload, "PurchaseOrderNo", max_len=10),
        each(payload, "Item", _parse_confirmation),
        ctx.now,
    )
    response = B.el("UpdatePurchaseOrderConfirmationResponse")
    po_element(ctx.session, response, po)
    return response


def cancel_purchase_order(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Cancel a PO with no goods receipts."""
    po = orders.cancel_purchase_order(
        ctx.session, req_text(payload, "PurchaseOrderNo", max_len=10), ctx.now
    )
    response = B.el("CancelPurchaseOrderResponse")
    po_element(ctx.session, response, po)
    return response
