"""Goods receipt operations: PostGoodsReceipt, GetGoodsReceipts."""

from __future__ import annotations

from lxml import etree
from sqlalchemy.orm import Session

from reference.erp.procurement import orders, receipts, tolerances
from reference.erp.procurement.models import GoodsReceipt
from reference.erp.procurement.ops.xmlns import B, each
from reference.erp.soap.service import (
    OperationContext,
    opt_date,
    opt_text,
    req_decimal,
    req_int,
    req_text,
)


def gr_element(session: Session, parent: etree._Element, gr: GoodsReceipt) -> etree._Element:
    """Append a GoodsReceipt element with its lines to ``parent``."""
    node = B.group(parent, "GoodsReceipt")
    B.fields(
        node,
        [
            ("GoodsReceiptNo", gr.gr_no),
            ("PurchaseOrderNo", gr.po_no),
            ("ExternalRef", gr.external_ref),
            ("DeliveryNote", gr.delivery_note),
            ("PostingDate", gr.posting_date),
            ("CreatedBy", gr.created_by),
            ("CreatedAt", gr.created_at),
        ],
    )
    for line in receipts.receipt_items(session, gr.gr_no):
        B.fields(
            B.group(node, "Item"),
            [
                ("LineNo", line.line_no),
                ("PoItemNo", line.po_item_no),
                ("MaterialNo", line.material_no),
                ("Quantity", line.quantity),
                ("Unit", line.uom),
                ("Plant", line.plant),
            ],
        )
    return node


def _parse_line(node: etree._Element) -> receipts.ReceiptLine:
    return receipts.ReceiptLine(
        po_item_no=req_int(node, "PoItemNo"),
        quantity=req_decimal(node, "Quantity"),
        uom=opt_text(node, "Unit", max_len=3),
    )


def post_goods_receipt(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Post a receipt against PO items; over-receipt beyond tolerance is an OVER_RECEIPT fault."""
    data = receipts.ReceiptData(
        po_no=req_text(payload, "PurchaseOrderNo", max_len=10),
        external_ref=opt_text(payload, "ExternalRef", max_len=40),
        delivery_note=opt_text(payload, "DeliveryNote", max_len=40),
        posting_date=opt_date(payload, "PostingDate"),
        lines=each(payload, "Item", _parse_line),
    )
    tol = tolerances.current(ctx.session)
    gr, created = receipts.post_goods_receipt(ctx.session, data, tol, ctx.user, ctx.now)
    po_status = orders.get_purchase_order(ctx.session, gr.po_no).status
    response = B.el("PostGoodsReceiptResponse")
    B.sub(response, "Created", created)
    B.sub(response, "PurchaseOrderStatus", po_status)
    gr_element(ctx.session, response, gr)
    return response


def get_goods_receipts(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Every goods receipt of a PO."""
    po_no = req_text(payload, "PurchaseOrderNo", max_len=10)
    response = B.el("GetGoodsReceiptsResponse")
    for gr in receipts.receipts_of(ctx.session, po_no):
        gr_element(ctx.session, response, gr)
    return response
