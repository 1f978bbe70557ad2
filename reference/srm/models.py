"""The SRM's tables: vendors, certificates, purchase orders, deliveries, statements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from reference.kit.coltypes import DecimalText, UTCDateTime, utcnow


class Base(DeclarativeBase):
    """All SRM tables."""


class Vendor(Base):
    """A supplier as the portal knows it; ``vendor_id`` is the public ``V-000123`` id."""

    __tablename__ = "vendor"
    __table_args__ = (sa.Index("ix_vendor_updated", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2))
    currency: Mapped[str] = mapped_column(sa.String(3))
    tax_id: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str] = mapped_column(sa.String(200))
    buyer_ref: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    lead_time_days: Mapped[int] = mapped_column(default=7)
    edi_partner: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="vendor", order_by="Certificate.id"
    )


class VendorStatusChange(Base):
    """One step of a vendor's onboarding history, with why and who."""

    __tablename__ = "vendor_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_pk: Mapped[int] = mapped_column(sa.ForeignKey("vendor.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(12))
    to_status: Mapped[str] = mapped_column(sa.String(12))
    reason: Mapped[str] = mapped_column(sa.String(500))
    actor: Mapped[str] = mapped_column(sa.String(100))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Certificate(Base):
    """A vendor's certificate (ISO9001 and the like) with its validity."""

    __tablename__ = "certificate"
    __table_args__ = (sa.UniqueConstraint("vendor_pk", "cert_type", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_pk: Mapped[int] = mapped_column(sa.ForeignKey("vendor.id"), index=True)
    cert_type: Mapped[str] = mapped_column(sa.String(40))
    number: Mapped[str] = mapped_column(sa.String(60))
    issued: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date] = mapped_column(sa.Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    vendor: Mapped[Vendor] = relationship(back_populates="certificates")


class PurchaseOrder(Base):
    """A purchase order the hub published, and where the supplier has got with it."""

    __tablename__ = "purchase_order"
    __table_args__ = (sa.Index("ix_po_updated", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    po_number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    vendor_pk: Mapped[int] = mapped_column(sa.ForeignKey("vendor.id"), index=True)
    order_date: Mapped[date] = mapped_column(sa.Date)
    currency: Mapped[str] = mapped_column(sa.String(3))
    total_amount: Mapped[Decimal] = mapped_column(DecimalText())
    status: Mapped[str] = mapped_column(sa.String(20))
    status_note: Mapped[str | None] = mapped_column(sa.String(500))
    invoice_number: Mapped[str | None] = mapped_column(sa.String(40))
    invoiced_amount: Mapped[Decimal | None] = mapped_column(DecimalText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    vendor: Mapped[Vendor] = relationship()
    lines: Mapped[list[PoLine]] = relationship(
        back_populates="order", order_by="PoLine.line_no", cascade="all, delete-orphan"
    )


class PoLine(Base):
    """An ordered line and the supplier's acknowledgement of it."""

    __tablename__ = "po_line"
    __table_args__ = (sa.UniqueConstraint("po_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    po_id: Mapped[int] = mapped_column(sa.ForeignKey("purchase_order.id"), index=True)
    line_no: Mapped[int]
    sku: Mapped[str] = mapped_column(sa.String(40))
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(DecimalText())
    ack_status: Mapped[str | None] = mapped_column(sa.String(12))
    confirmed_qty: Mapped[int | None]
    confirmed_date: Mapped[date | None] = mapped_column(sa.Date)

    order: Mapped[PurchaseOrder] = relationship(back_populates="lines")


class DeliveryEvent(Base):
    """A recorded delivery against a PO: the raw facts a scorecard is computed from."""

    __tablename__ = "delivery_event"
    __table_args__ = (sa.Index("ix_delivery_vendor_period", "vendor_pk", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_pk: Mapped[int] = mapped_column(sa.ForeignKey("vendor.id"))
    po_id: Mapped[int] = mapped_column(sa.ForeignKey("purchase_order.id"), index=True)
    period: Mapped[str] = mapped_column(sa.String(7))
    promised_date: Mapped[date] = mapped_column(sa.Date)
    delivered_date: Mapped[date] = mapped_column(sa.Date)
    ordered_qty: Mapped[int]
    delivered_qty: Mapped[int]
    rejected_qty: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Statement(Base):
    """A periodic reconciliation statement between buyer and vendor."""

    __tablename__ = "statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_no: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    vendor_pk: Mapped[int] = mapped_column(sa.ForeignKey("vendor.id"), index=True)
    period_from: Mapped[date] = mapped_column(sa.Date)
    period_to: Mapped[date] = mapped_column(sa.Date)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(12))
    ordered_total: Mapped[Decimal] = mapped_column(DecimalText())
    invoiced_total: Mapped[Decimal] = mapped_column(DecimalText())
    open_total: Mapped[Decimal] = mapped_column(DecimalText())
    supplier_comment: Mapped[str | None] = mapped_column(sa.String(1000))
    supplier_actor: Mapped[str | None] = mapped_column(sa.String(100))
    resolution: Mapped[str | None] = mapped_column(sa.String(20))
    resolution_comment: Mapped[str | None] = mapped_column(sa.String(1000))
    resolved_by: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    vendor: Mapped[Vendor] = relationship()
    lines: Mapped[list[StatementLine]] = relationship(
        back_populates="statement", order_by="StatementLine.id", cascade="all, delete-orphan"
    )


class StatementLine(Base):
    """One PO on a statement, and the supplier's objection to it if any."""

    __tablename__ = "statement_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("statement.id"), index=True)
    po_number: Mapped[str] = mapped_column(sa.String(40))
    ordered_amount: Mapped[Decimal] = mapped_column(DecimalText())
    invoiced_amount: Mapped[Decimal] = mapped_column(DecimalText())
    open_amount: Mapped[Decimal] = mapped_column(DecimalText())
    supplier_amount: Mapped[Decimal | None] = mapped_column(DecimalText())
    dispute_comment: Mapped[str | None] = mapped_column(sa.String(1000))

    statement: Mapped[Statement] = relationship(back_populates="lines")
