"""Goods receipts against PO items, with an over-delivery tolerance per item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.erp.procurement import checks, orders, stock
from reference.erp.procurement.models import GoodsReceipt, GoodsReceiptItem, PurchaseOrder
from reference.erp.procurement.numbers import next_number
from reference.erp.procurement.tolerances import Tolerances
from reference.erp.soap.faults import SoapFault

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ReceiptLine:
    """A received quantity of one PO item."""

    po_item_no: int
    quantity: Decimal
    uom: str | None = None


@dataclass(frozen=True)
class ReceiptData:
    """A goods receipt; ``external_ref`` (the sender's receipt id) makes it idempotent."""

    po_no: str
    lines: Sequence[ReceiptLine]
    external_ref: str | None = None
    delivery_note: str | None = None
    posting_date: date | None = None


def receivable_limit(ordered: Decimal, item_pct: Decimal | None, tol: Tolerances) -> Decimal:
    """The most that may be received in total against an item ordered ``ordered``."""
    pct = tol.over_delivery_pct if item_pct is None else item_pct
    return ordered * (HUNDRED + pct) / HUNDRED


def post_goods_receipt(
    session: Session, data: ReceiptData, tol: Tolerances, user: str, now: datetime
) -> tuple[GoodsReceipt, bool]:
    """Post a receipt, or return the one already posted under ``external_ref`` (False).

    Refuses, naming the item, any line that would take the received total beyond the
    ordered quantity plus the over-delivery tolerance; the receipt then posts nothing.
    """
    if data.external_ref is not None:
        existing = session.scalars(
            sa.select(GoodsReceipt).where(GoodsReceipt.external_ref == data.external_ref)
        ).first()
        if existing is not None:
            if existing.po_no != data.po_no:
                raise SoapFault.conflict(
                    f"ExternalRef {data.external_ref!r} was posted against PO {existing.po_no}",
                    "ExternalRef",
                )
            return existing, False
    po = orders.get_purchase_order(session, data.po_no)
    if po.status in (orders.CANCELLED, orders.CLOSED):
        raise SoapFault(
            f"PO {po.po_no} is {po.status}; it takes no goods receipt",
            code="PO_NOT_OPEN",
            field="PurchaseOrderNo",
        )
    if not data.lines:
        raise SoapFault.validation("Items", "at least one item is required")
    by_no = {item.item_no: item for item in orders.items_of(session, po.po_no)}
    adding: dict[int, Decimal] = {}
    for line in data.lines:
        field = f"Item[{line.po_item_no}]"
        item = by_no.get(line.po_item_no)
        if item is None:
            raise SoapFault.not_found(f"{field}/PoItemNo", str(line.po_item_no))
        checks.positive(line.quantity, f"{field}/Quantity")
        if line.uom is not None and line.uom != item.uom:
            raise SoapFault.validation(f"{field}/Unit", f"{line.uom!r} differs from {item.uom!r}")
        total = item.received_qty + adding.get(item.item_no, Decimal(0)) + line.quantity
        limit = receivable_limit(item.quantity, item.over_delivery_pct, tol)
        if total > limit:
            raise SoapFault(
                f"{field}/Quantity: receiving {line.quantity} on PO {po.po_no} item "
                f"{item.item_no} brings the received total to {total}, above the ordered "
                f"{item.quantity} plus tolerance (limit {limit.normalize():f})",
                code="OVER_RECEIPT",
                field=f"{field}/Quantity",
            )
        adding[item.item_no] = adding.get(item.item_no, Decimal(0)) + line.quantity
    gr = GoodsReceipt(
        gr_no=next_number(session, "GR"),
        po_no=po.po_no,
        external_ref=data.external_ref,
        delivery_note=data.delivery_note,
        posting_date=data.posting_date or now.date(),
        created_by=user,
        created_at=now,
    )
    session.add(gr)
    session.flush()
    for line_no, line in enumerate(data.lines, start=1):
        item = by_no[line.po_item_no]
        session.add(
            GoodsReceiptItem(
                gr_no=gr.gr_no,
                line_no=line_no,
                po_item_no=item.item_no,
                material_no=item.material_no,
                quantity=line.quantity,
                uom=item.uom,
                plant=po.plant,
            )
        )
        item.received_qty = item.received_qty + line.quantity
        stock.add_receipt(session, item.material_no, po.plant, line.quantity, now)
    orders.refresh_status(session, po, now)
    po.changed_at = now
    session.flush()
    return gr, True


def receipts_of(session: Session, po_no: str) -> list[GoodsReceipt]:
    """The goods receipts of PO ``po_no`` in posting order; NOT_FOUND for an unknown PO."""
    if session.get(PurchaseOrder, po_no) is None:
        raise SoapFault.not_found("PurchaseOrderNo", po_no)
    stmt = sa.select(GoodsReceipt).where(GoodsReceipt.po_no == po_no).order_by(GoodsReceipt.gr_no)
    return list(session.scalars(stmt))


def receipt_items(session: Session, gr_no: str) -> list[GoodsReceiptItem]:
    """The lines of receipt ``gr_no``."""
    stmt = (
        sa.select(GoodsReceiptItem)
        .where(GoodsReceiptItem.gr_no == gr_no)
        .order_by(GoodsReceiptItem.line_no)
    )
    return list(session.scalars(stmt))
