"""Sales documents: sales orders with items, and invoices (billing documents)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from reference.erp.db import Base
from reference.erp.models.types import DecimalText, UtcDateTime


class SalesOrder(Base):
    """A sales order header; ``external_ref`` makes creation idempotent."""

    __tablename__ = "sales_order"

    sales_order_no: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    external_ref: Mapped[str] = mapped_column(sa.String(40), unique=True)
    customer_no: Mapped[str] = mapped_column(
        sa.String(20), sa.ForeignKey("customer.customer_no"), index=True
    )
    order_date: Mapped[date] = mapped_column(sa.Date)
    requested_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    net_value: Mapped[Decimal] = mapped_column(DecimalText)
    # OPEN, PARTIAL (partly shipped), SHIPPED, INVOICED.
    status: Mapped[str] = mapped_column(sa.String(10), default="OPEN")
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (sa.Index("ix_sales_order_changed", "changed_at", "sales_order_no"),)


class SalesOrderItem(Base):
    """One item of a sales order, numbered 10, 20, 30 like SAP."""

    __tablename__ = "sales_order_item"

    sales_order_no: Mapped[str] = mapped_column(
        sa.String(10), sa.ForeignKey("sales_order.sales_order_no"), primary_key=True
    )
    item_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    material_no: Mapped[str] = mapped_column(sa.String(40), sa.ForeignKey("item.material_no"))
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    uom: Mapped[str] = mapped_column(sa.String(3))
    net_price: Mapped[Decimal] = mapped_column(DecimalText)
    shipped_qty: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    invoiced_qty: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))


class Invoice(Base):
    """A billing document for shipped, not yet invoiced quantities of one sales order."""

    __tablename__ = "invoice"

    invoice_no: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    sales_order_no: Mapped[str] = mapped_column(
        sa.String(10), sa.ForeignKey("sales_order.sales_order_no"), index=True
    )
    customer_no: Mapped[str] = mapped_column(sa.String(20))
    invoice_date: Mapped[date] = mapped_column(sa.Date)
    due_date: Mapped[date] = mapped_column(sa.Date)
    currency: Mapped[str] = mapped_column(sa.String(3))
    net_amount: Mapped[Decimal] = mapped_column(DecimalText)
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText)
    tax_amount: Mapped[Decimal] = mapped_column(DecimalText)
    gross_amount: Mapped[Decimal] = mapped_column(DecimalText)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class InvoiceItem(Base):
    """One line of an invoice, pointing at the sales order item it bills."""

    __tablename__ = "invoice_item"

    invoice_no: Mapped[str] = mapped_column(
        sa.String(10), sa.ForeignKey("invoice.invoice_no"), primary_key=True
    )
    item_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    material_no: Mapped[str] = mapped_column(sa.String(40))
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    net_price: Mapped[Decimal] = mapped_column(DecimalText)
    net_amount: Mapped[Decimal] = mapped_column(DecimalText)
