"""Master data: materials (items) with BOMs, customers, price lists and price history.

Native shapes are SAP-like: MaterialNo, BaseUoM "ST"/"KG", weights in grams, procurement
type "F" (purchased) or "E" (produced in house), status "A" active / "B" blocked /
"D" flagged for deletion; customers with Name1, CountryKey, PaymentTermsKey "Z030".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from reference.erp.db import Base
from reference.erp.models.types import DecimalText, UtcDateTime


class Item(Base):
    """A material master record."""

    __tablename__ = "item"

    material_no: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    description: Mapped[str] = mapped_column(sa.String(120))
    base_uom: Mapped[str] = mapped_column(sa.String(3), default="ST")
    gross_weight_g: Mapped[int] = mapped_column(sa.Integer, default=0)
    material_group: Mapped[str] = mapped_column(sa.String(20), default="")
    procurement_type: Mapped[str] = mapped_column(sa.String(1), default="F")
    reorder_point: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    reorder_qty: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    lead_time_days: Mapped[int] = mapped_column(sa.Integer, default=0)
    gtin: Mapped[str | None] = mapped_column(sa.String(14), nullable=True)
    status: Mapped[str] = mapped_column(sa.String(1), default="A")
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

    __table_args__ = (sa.Index("ix_item_changed", "changed_at", "material_no"),)


class BomComponent(Base):
    """One component line of a material's single-level bill of materials."""

    __tablename__ = "bom_component"

    parent_material_no: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("item.material_no"), primary_key=True
    )
    component_material_no: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("item.material_no"), primary_key=True
    )
    quantity: Mapped[Decimal] = mapped_column(DecimalText)


class Customer(Base):
    """A sold-to customer master record (general data plus sales and credit data)."""

    __tablename__ = "customer"

    customer_no: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    name1: Mapped[str] = mapped_column(sa.String(80))
    name2: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)
    street: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    city: Mapped[str | None] = mapped_column(sa.String(60), nullable=True)
    country_key: Mapped[str] = mapped_column(sa.String(2))
    vat_reg_no: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    telephone: Mapped[str | None] = mapped_column(sa.String(30), nullable=True)
    email: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    payment_terms_key: Mapped[str] = mapped_column(sa.String(4))
    credit_limit: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    # SAP-style central block: "" not blocked, "X" blocked for orders.
    order_block: Mapped[str] = mapped_column(sa.String(1), default="")
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (sa.Index("ix_customer_changed", "changed_at", "customer_no"),)


class PriceListEntry(Base):
    """The current price of a material in a price list and currency."""

    __tablename__ = "price_list_entry"

    material_no: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("item.material_no"), primary_key=True
    )
    price_list: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    # Price per this many base units (SAP "price unit"), usually 1.
    price_unit: Mapped[int] = mapped_column(sa.Integer, default=1)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PriceChange(Base):
    """History: one row per price set on a price list entry."""

    __tablename__ = "price_change"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    material_no: Mapped[str] = mapped_column(sa.String(40), index=True)
    price_list: Mapped[str] = mapped_column(sa.String(4))
    currency: Mapped[str] = mapped_column(sa.String(3))
    old_amount: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    new_amount: Mapped[Decimal] = mapped_column(DecimalText)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_by: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
