"""Procurement tables of the ERP on the shared Base: vendors, POs, receipts, invoices, stock."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from reference.erp.db import Base
from reference.erp.models.types import DecimalText, UtcDateTime

ZERO = Decimal(0)


class Plant(Base):
    """A plant (site) that receives goods and holds stock."""

    __tablename__ = "plant"

    plant: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    name1: Mapped[str] = mapped_column(sa.String(80))
    city: Mapped[str] = mapped_column(sa.String(60))
    country_key: Mapped[str] = mapped_column(sa.String(2))


class Vendor(Base):
    """A vendor master record (general and purchasing data)."""

    __tablename__ = "vendor"

    vendor_no: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    name1: Mapped[str] = mapped_column(sa.String(80))
    country_key: Mapped[str] = mapped_column(sa.String(2))
    vat_reg_no: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    # SAP-style posting block: True when the supplier is blocked (no new POs).
    posting_block: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    payment_terms_key: Mapped[str] = mapped_column(sa.String(4))
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR")
    # The supplier number in the sending system (the SRM), kept as SAP keeps a search term.
    external_ref: Mapped[str | None] = mapped_column(sa.String(40), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (sa.Index("ix_vendor_changed", "changed_at", "vendor_no"),)


class SourceListEntry(Base):
    """A vendor allowed to supply a material; the lowest priority number is preferred."""

    __tablename__ = "source_list"

    material_no: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("item.material_no"), primary_key=True
    )
    vendor_no: Mapped[str] = mapped_column(
        sa.String(10), sa.ForeignKey("vendor.vendor_no"), primary_key=True
    )
    priority: Mapped[int] = mapped_column(sa.Integer, default=1)


class PurchaseOrder(Base):
    """A purchase order header; ``external_ref`` makes creation idempotent."""

    __tablename__ = "purchase_order"

    po_no: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    external_ref: Mapped[str] = mapped_column(sa.String(40), unique=True)
    vendor_no: Mapped[str] = mapped_column(
        sa.String(10), sa.ForeignKey("vendor.vendor_no"), index=True
    )
    plant: Mapped[str] = mapped_column(sa.String(4), sa.ForeignKey("plant.plant"))
    doc_date: Mapped[date] = mapped_column(sa.Date)
    currency: Mapped[str] = mapped_column(sa.String(3))
    net_value: Mapped[Decimal] = mapped_column(DecimalText)
    # OPEN, PARTRCVD, RECEIVED, CLOSED, CANCELLED.
    status: Mapped[str] = mapped_column(sa.String(10), default="OPEN")
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (sa.Index("ix_purchase_order_changed", "changed_at", "po_no"),)


class PurchaseOrderItem(Base):
    """One PO item (10, 20, ...) with its supplier confirmation and running totals."""

    __tablename__ = "purchase_order_item"

    po_no: Mapped[str] = mapped_column(
        sa.String(10), sa.ForeignKey("purchase_order.po_no"), primary_key=True
    )
    item_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    material_no: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("item.material_no"), index=True
    )
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    uom: Mapped[str] = mapped_column(sa.String(3))
    net_price: Mapped[Decimal] = mapped_column(DecimalText)
    delivery_date: Mapped[date] = mapped_column(sa.Date)
    # Over-delivery tolerance in percent for this item; None means the configured default.
    over_delivery_pct: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    confirmed_qty: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    confirmed_price: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    confirmed_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    received_qty: Mapped[Decimal] = mapped_column(DecimalText, default=ZERO)
    invoiced_qty: Mapped[Decimal] = mapped_column(DecimalText, default=ZERO)


class GoodsReceipt(Base):
    """A goods receipt (material document) against one purchase order."""

    __tablename__ = "goods_receipt"

    gr_no: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    po_no: Mapped[str] = mapped_column(
        sa.String(10), sa.ForeignKey("purchase_order.po_no"), index=True
    )
    # The sender's receipt id (e.g. the WMS receipt); makes posting idempotent.
    external_ref: Mapped[str | None] = mapped_column(sa.String(40), nullable=True, unique=True)
    delivery_note: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    posting_date: Mapped[date] = mapped_column(sa.Date)
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class GoodsReceiptItem(Base):
    """One line of a goods receipt, pointing at the PO item it receives."""

    __tablename__ = "goods_receipt_item"

    gr_no: Mapped[str] = mapped_column(
        sa.String(10), sa.ForeignKey("goods_receipt.gr_no"), primary_key=True
    )
    line_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    po_item_no: Mapped[int] = mapped_column(sa.Integer)
    material_no: Mapped[str] = mapped_column(sa.String(40))
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    uom: Mapped[str] = mapped_column(sa.String(3))
    plant: Mapped[str] = mapped_column(sa.String(4))


class SupplierInvoice(Base):
    """A supplier invoice with the outcome of its 3-way match."""

    __tablename__ = "supplier_invoice"

    invoice_doc_no: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    vendor_no: Mapped[str] = mapped_column(sa.String(10), sa.ForeignKey("vendor.vendor_no"))
    # The vendor's own invoice number (SAP "reference"); unique per vendor: idempotency.
    reference: Mapped[str] = mapped_column(sa.String(40))
    po_no: Mapped[str] = mapped_column(
        sa.String(10), sa.ForeignKey("purchase_order.po_no"), index=True
    )
    invoice_date: Mapped[date] = mapped_column(sa.Date)
    currency: Mapped[str] = mapped_column(sa.String(3))
    net_amount: Mapped[Decimal] = mapped_column(DecimalText)
    # MATCHED or EXCEPTION; an approved exception keeps EXCEPTION and is released.
    match_status: Mapped[str] = mapped_column(sa.String(10))
    # RELEASED (may be paid) or BLOCKED (payment block "R" until approved).
    payment_status: Mapped[str] = mapped_column(sa.String(10))
    # The tolerances the match ran with, so a later change does not rewrite history.
    qty_tolerance_pct: Mapped[Decimal] = mapped_column(DecimalText)
    price_tolerance_pct: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    price_tolerance_abs: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    approval_comment: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (sa.UniqueConstraint("vendor_no", "reference"),)


class SupplierInvoiceItem(Base):
    """One invoice line with its match result and reason codes."""

    __tablename__ = "supplier_invoice_item"

    invoice_doc_no: Mapped[str] = mapped_column(
        sa.String(10), sa.ForeignKey("supplier_invoice.invoice_doc_no"), primary_key=True
    )
    line_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    po_item_no: Mapped[int] = mapped_column(sa.Integer)
    material_no: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    unit_price: Mapped[Decimal] = mapped_column(DecimalText)
    net_amount: Mapped[Decimal] = mapped_column(DecimalText)
    po_price: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    received_qty: Mapped[Decimal] = mapped_column(DecimalText, default=ZERO)
    previously_invoiced_qty: Mapped[Decimal] = mapped_column(DecimalText, default=ZERO)
    match_status: Mapped[str] = mapped_column(sa.String(10))
    # Space-separated reason codes, empty when matched.
    reason_codes: Mapped[str] = mapped_column(sa.String(120), default="")


class StockLevel(Base):
    """Stock of a material in a plant, as last reported (plus receipts posted since)."""

    __tablename__ = "stock_level"

    material_no: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("item.material_no"), primary_key=True
    )
    plant: Mapped[str] = mapped_column(sa.String(4), sa.ForeignKey("plant.plant"), primary_key=True)
    unrestricted: Mapped[Decimal] = mapped_column(DecimalText, default=ZERO)
    allocated: Mapped[Decimal] = mapped_column(DecimalText, default=ZERO)
    as_of: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class StockSnapshotState(Base):
    """The newest stock snapshot applied to a plant, to refuse stale ones."""

    __tablename__ = "stock_snapshot_state"

    plant: Mapped[str] = mapped_column(sa.String(4), sa.ForeignKey("plant.plant"), primary_key=True)
    sequence: Mapped[int] = mapped_column(sa.Integer)
    as_of: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CostPosting(Base):
    """An FI document posting an approved travel or expense claim to a cost center."""

    __tablename__ = "cost_posting"

    document_no: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    approval_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    claim_type: Mapped[str] = mapped_column(sa.String(8))
    cost_center: Mapped[str] = mapped_column(sa.String(10), index=True)
    gl_account: Mapped[str] = mapped_column(sa.String(10))
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    currency: Mapped[str] = mapped_column(sa.String(3))
    posting_date: Mapped[date] = mapped_column(sa.Date)
    employee: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    text: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (sa.Index("ix_cost_posting_created", "created_at", "document_no"),)


class Tolerance(Base):
    """Tolerances for goods receipt and invoice verification, one row per key."""

    __tablename__ = "procurement_tolerance"

    key: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    over_delivery_pct: Mapped[Decimal] = mapped_column(DecimalText)
    qty_over_pct: Mapped[Decimal] = mapped_column(DecimalText)
    price_pct: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    price_abs: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    changed_by: Mapped[str] = mapped_column(sa.String(40))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NumberRange(Base):
    """The last number drawn from a procurement number range (PO, GR, invoice, FI doc)."""

    __tablename__ = "procurement_number_range"

    object: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    last_no: Mapped[int] = mapped_column(sa.BigInteger)
