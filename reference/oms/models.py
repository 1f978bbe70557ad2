"""The OMS's tables: customers, warehouses, available-to-promise, orders and fulfilment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Stores UTC as a naive timestamp and hands back timezone-aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC was required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """All OMS tables."""


class Customer(Base):
    """A customer as far as the OMS cares: who it is and how it ranks."""

    __tablename__ = "oms_customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_ref: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    tier: Mapped[str] = mapped_column(sa.String(10))
    country: Mapped[str] = mapped_column(sa.String(2))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Warehouse(Base):
    """A warehouse the OMS can promise from."""

    __tablename__ = "oms_warehouse"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    city: Mapped[str] = mapped_column(sa.String(100))
    country: Mapped[str] = mapped_column(sa.String(2))
    latitude: Mapped[float] = mapped_column(sa.Float)
    longitude: Mapped[float] = mapped_column(sa.Float)
    lead_time_days: Mapped[int] = mapped_column(sa.Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Atp(Base):
    """Available-to-promise quantity of one sku in one warehouse."""

    __tablename__ = "oms_atp"
    __table_args__ = (sa.UniqueConstraint("warehouse_id", "item_sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(sa.ForeignKey("oms_warehouse.id"))
    item_sku: Mapped[str] = mapped_column(sa.String(40), index=True)
    qty_available: Mapped[int] = mapped_column(sa.Integer)
    # The pusher's sequence of the last snapshot applied; older snapshots are ignored.
    as_of_seq: Mapped[int] = mapped_column(sa.BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    warehouse: Mapped[Warehouse] = relationship(lazy="joined")


class Product(Base):
    """A sellable catalogue item and its list price, in integer minor units."""

    __tablename__ = "oms_product"
    __table_args__ = (sa.Index("ix_oms_product_updated", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_sku: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    gtin: Mapped[str | None] = mapped_column(sa.String(14))
    list_price_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)


class Order(Base):
    """A channel order and where it stands."""

    __tablename__ = "oms_order"
    __table_args__ = (
        sa.UniqueConstraint("channel", "channel_order_ref"),
        sa.Index("ix_oms_order_updated", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(12))
    channel_order_ref: Mapped[str] = mapped_column(sa.String(60))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    priority: Mapped[str] = mapped_column(sa.String(8))
    customer_ref: Mapped[str] = mapped_column(sa.String(40), index=True)
    customer_tier: Mapped[str] = mapped_column(sa.String(10))
    ordered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    requested_date: Mapped[date | None] = mapped_column(sa.Date)
    promised_date: Mapped[date | None] = mapped_column(sa.Date)
    currency: Mapped[str] = mapped_column(sa.String(3))
    ship_to_name: Mapped[str | None] = mapped_column(sa.String(200))
    ship_to_line1: Mapped[str | None] = mapped_column(sa.String(200))
    ship_to_city: Mapped[str] = mapped_column(sa.String(100))
    ship_to_postal_code: Mapped[str | None] = mapped_column(sa.String(20))
    ship_to_country: Mapped[str] = mapped_column(sa.String(2))
    ship_to_lat: Mapped[float] = mapped_column(sa.Float)
    ship_to_lon: Mapped[float] = mapped_column(sa.Float)
    invoice_number: Mapped[str | None] = mapped_column(sa.String(40))
    invoiced_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.line_no", cascade="all, delete-orphan"
    )
    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order", order_by="Shipment.id", cascade="all, delete-orphan"
    )


class OrderLine(Base):
    """One line of an order with its running quantities."""

    __tablename__ = "oms_order_line"
    __table_args__ = (sa.UniqueConstraint("order_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("oms_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(sa.Integer)
    item_sku: Mapped[str] = mapped_column(sa.String(40))
    qty_ordered: Mapped[int] = mapped_column(sa.Integer)
    unit_price_minor: Mapped[int] = mapped_column(sa.BigInteger)
    qty_allocated: Mapped[int] = mapped_column(sa.Integer, default=0)
    qty_shipped: Mapped[int] = mapped_column(sa.Integer, default=0)

    order: Mapped[Order] = relationship(back_populates="lines")
    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="line", order_by="Allocation.id", cascade="all, delete-orphan"
    )


class Allocation(Base):
    """Quantity of one line promised from one warehouse."""

    __tablename__ = "oms_allocation"
    __table_args__ = (sa.UniqueConstraint("order_line_id", "warehouse_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("oms_order_line.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(sa.ForeignKey("oms_warehouse.id"))
    qty: Mapped[int] = mapped_column(sa.Integer)
    qty_shipped: Mapped[int] = mapped_column(sa.Integer, default=0)
    distance_km: Mapped[int] = mapped_column(sa.Integer)
    ready_days: Mapped[int] = mapped_column(sa.Integer)
    allocated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    line: Mapped[OrderLine] = relationship(back_populates="allocations")
    warehouse: Mapped[Warehouse] = relationship(lazy="joined")


class Shipment(Base):
    """A shipment confirmation received from the warehouse side, one per shipment_ref."""

    __tablename__ = "oms_shipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_ref: Mapped[str] = mapped_column(sa.String(60), unique=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("oms_order.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(sa.ForeignKey("oms_warehouse.id"))
    tracking: Mapped[str | None] = mapped_column(sa.String(60))
    shipped_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    order: Mapped[Order] = relationship(back_populates="shipments")
    warehouse: Mapped[Warehouse] = relationship(lazy="joined")
    lines: Mapped[list[ShipmentLine]] = relationship(
        order_by="ShipmentLine.line_no", cascade="all, delete-orphan", lazy="selectin"
    )


class ShipmentLine(Base):
    """Quantity of one order line in a shipment."""

    __tablename__ = "oms_shipment_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("oms_shipment.id"), index=True)
    line_no: Mapped[int] = mapped_column(sa.Integer)
    qty: Mapped[int] = mapped_column(sa.Integer)
