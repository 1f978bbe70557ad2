"""The WMS's tables: master data, the movement ledger and its stock projection, documents."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# The ledger and stock rows key "no lot" as an empty string so that the composite keys stay
# plain (NULL never equals NULL in a unique key); the API shows it as null.
NO_LOT = ""


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC: SQLite keeps no offset of its own."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stamp: datetime = value
        return stamp.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """All WMS tables."""


class Warehouse(Base):
    __tablename__ = "whse"

    whse: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    city: Mapped[str] = mapped_column(sa.String(80))
    country: Mapped[str] = mapped_column(sa.String(2))
    gln: Mapped[str | None] = mapped_column(sa.String(13))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Location(Base):
    __tablename__ = "loc"

    whse: Mapped[str] = mapped_column(sa.ForeignKey("whse.whse"), primary_key=True)
    loc: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    loc_type: Mapped[str] = mapped_column(sa.String(8))  # STORAGE | DOCK
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Item(Base):
    __tablename__ = "item"

    item_code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    descr: Mapped[str] = mapped_column(sa.String(200))
    uom: Mapped[str] = mapped_column(sa.String(3))
    gtin: Mapped[str | None] = mapped_column(sa.String(14))
    lot_tracked: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    shelf_life_days: Mapped[int | None] = mapped_column(sa.Integer)
    weight_kg: Mapped[str | None] = mapped_column(sa.String(20))  # a decimal kept as text
    status: Mapped[str] = mapped_column(sa.String(10), default="ACTIVE")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class Lot(Base):
    __tablename__ = "lot"

    item_code: Mapped[str] = mapped_column(sa.ForeignKey("item.item_code"), primary_key=True)
    lot_no: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    expiry_date: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Movement(Base):
    """One line of the append-only ledger; stock is the sum of these."""

    __tablename__ = "movement"
    __table_args__ = (
        sa.Index("ix_movement_created", "created_at", "id"),
        sa.Index("ix_movement_key", "whse", "loc", "item_code", "lot_no"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    idem_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    mvt_type: Mapped[str] = mapped_column(sa.String(16))
    reason_code: Mapped[str] = mapped_column(sa.String(8))
    whse: Mapped[str] = mapped_column(sa.String(12))
    loc: Mapped[str] = mapped_column(sa.String(20))
    item_code: Mapped[str] = mapped_column(sa.String(40))
    lot_no: Mapped[str] = mapped_column(sa.String(30), default=NO_LOT)
    qty: Mapped[int] = mapped_column(sa.Integer)  # signed on-hand delta
    alloc_qty: Mapped[int] = mapped_column(sa.Integer, default=0)  # signed allocated delta
    ref_type: Mapped[str | None] = mapped_column(sa.String(16))
    ref_no: Mapped[str | None] = mapped_column(sa.String(40))
    note: Mapped[str | None] = mapped_column(sa.String(200))
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Stock(Base):
    """Projection of the ledger per (whse, loc, item, lot), written with each movement."""

    __tablename__ = "stock"
    __table_args__ = (
        sa.CheckConstraint("on_hand >= 0", name="ck_stock_on_hand"),
        sa.CheckConstraint("allocated >= 0 AND allocated <= on_hand", name="ck_stock_alloc"),
        sa.Index("ix_stock_item", "item_code", "whse"),
    )

    whse: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    loc: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    item_code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    lot_no: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    on_hand: Mapped[int] = mapped_column(sa.Integer, default=0)
    allocated: Mapped[int] = mapped_column(sa.Integer, default=0)
    first_mvt_id: Mapped[int] = mapped_column(sa.Integer)  # FIFO tie-break
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Asn(Base):
    """An expected receipt (advance ship notice) from a supplier."""

    __tablename__ = "asn"

    asn_no: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    po_ref: Mapped[str] = mapped_column(sa.String(40))
    supplier_code: Mapped[str | None] = mapped_column(sa.String(40))
    whse: Mapped[str] = mapped_column(sa.ForeignKey("whse.whse"))
    expected_date: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(10))  # OPEN | RECEIVED | CANCELLED
    req_hash: Mapped[str] = mapped_column(sa.String(64))  # replay detection
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class AsnLine(Base):
    __tablename__ = "asn_line"

    asn_no: Mapped[str] = mapped_column(sa.ForeignKey("asn.asn_no"), primary_key=True)
    line_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    item_code: Mapped[str] = mapped_column(sa.String(40))
    qty: Mapped[int] = mapped_column(sa.Integer)
    lot_no: Mapped[str | None] = mapped_column(sa.String(30))
    expiry_date: Mapped[date | None] = mapped_column(sa.Date)
    sscc: Mapped[str | None] = mapped_column(sa.String(18))


class Receipt(Base):
    __tablename__ = "receipt"

    receipt_no: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    asn_no: Mapped[str] = mapped_column(sa.ForeignKey("asn.asn_no"), unique=True)
    whse: Mapped[str] = mapped_column(sa.String(12))
    loc: Mapped[str] = mapped_column(sa.String(20))
    received_by: Mapped[str] = mapped_column(sa.String(40))
    req_hash: Mapped[str] = mapped_column(sa.String(64))  # replay detection
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class ReceiptLine(Base):
    __tablename__ = "receipt_line"

    receipt_no: Mapped[str] = mapped_column(sa.ForeignKey("receipt.receipt_no"), primary_key=True)
    line_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    item_code: Mapped[str] = mapped_column(sa.String(40))
    lot_no: Mapped[str | None] = mapped_column(sa.String(30))
    expected_qty: Mapped[int] = mapped_column(sa.Integer)
    received_qty: Mapped[int] = mapped_column(sa.Integer)
    damaged_qty: Mapped[int] = mapped_column(sa.Integer)
    movement_id: Mapped[int | None] = mapped_column(sa.Integer)


class Discrepancy(Base):
    __tablename__ = "discrepancy"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    receipt_no: Mapped[str] = mapped_column(sa.ForeignKey("receipt.receipt_no"), index=True)
    line_no: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(8))  # SHORT | OVER | DAMAGED
    qty: Mapped[int] = mapped_column(sa.Integer)
    reason_code: Mapped[str] = mapped_column(sa.String(8))


class Shipment(Base):
    __tablename__ = "shipment"
    __table_args__ = (sa.UniqueConstraint("whse", "order_ref", name="uq_shipment_order"),)

    shp_no: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    order_ref: Mapped[str] = mapped_column(sa.String(40))
    whse: Mapped[str] = mapped_column(sa.ForeignKey("whse.whse"))
    status: Mapped[str] = mapped_column(sa.String(10))
    ship_to: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    req_hash: Mapped[str] = mapped_column(sa.String(64))  # replay detection
    carrier: Mapped[str | None] = mapped_column(sa.String(40))
    tracking_no: Mapped[str | None] = mapped_column(sa.String(40))
    ship_date: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class ShipmentLine(Base):
    __tablename__ = "shipment_line"

    shp_no: Mapped[str] = mapped_column(sa.ForeignKey("shipment.shp_no"), primary_key=True)
    line_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    item_code: Mapped[str] = mapped_column(sa.String(40))
    qty: Mapped[int] = mapped_column(sa.Integer)


class PickTask(Base):
    """Stock reserved for a shipment line at one location and lot, to be picked."""

    __tablename__ = "pick_task"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    shp_no: Mapped[str] = mapped_column(sa.ForeignKey("shipment.shp_no"), index=True)
    line_no: Mapped[int] = mapped_column(sa.Integer)
    item_code: Mapped[str] = mapped_column(sa.String(40))
    loc: Mapped[str] = mapped_column(sa.String(20))
    lot_no: Mapped[str] = mapped_column(sa.String(30))
    qty: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(10))  # OPEN | PICKED | CANCELLED


class Package(Base):
    __tablename__ = "package"

    sscc: Mapped[str] = mapped_column(sa.String(18), primary_key=True)
    shp_no: Mapped[str] = mapped_column(sa.ForeignKey("shipment.shp_no"), index=True)
    seq: Mapped[int] = mapped_column(sa.Integer)
    contents: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)


class Counter(Base):
    """Named sequences (shipment numbers, SSCC serials)."""

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    value: Mapped[int] = mapped_column(sa.Integer)


class Transfer(Base):
    __tablename__ = "transfer"

    xfer_no: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    from_whse: Mapped[str] = mapped_column(sa.ForeignKey("whse.whse"))
    to_whse: Mapped[str] = mapped_column(sa.ForeignKey("whse.whse"))
    status: Mapped[str] = mapped_column(sa.String(10))  # IN_TRANSIT | RECEIVED
    to_loc: Mapped[str | None] = mapped_column(sa.String(20))
    req_hash: Mapped[str] = mapped_column(sa.String(64))  # replay detection
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class TransferLine(Base):
    __tablename__ = "transfer_line"

    xfer_no: Mapped[str] = mapped_column(sa.ForeignKey("transfer.xfer_no"), primary_key=True)
    line_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    item_code: Mapped[str] = mapped_column(sa.String(40))
    from_loc: Mapped[str] = mapped_column(sa.String(20))
    lot_no: Mapped[str] = mapped_column(sa.String(30))
    qty: Mapped[int] = mapped_column(sa.Integer)


class CycleCount(Base):
    __tablename__ = "cycle_count"

    count_no: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    whse: Mapped[str] = mapped_column(sa.String(12))
    loc: Mapped[str] = mapped_column(sa.String(20))
    item_code: Mapped[str] = mapped_column(sa.String(40))
    lot_no: Mapped[str] = mapped_column(sa.String(30))
    system_qty: Mapped[int] = mapped_column(sa.Integer)
    counted_qty: Mapped[int] = mapped_column(sa.Integer)
    reason_code: Mapped[str] = mapped_column(sa.String(8))
    movement_id: Mapped[int | None] = mapped_column(sa.Integer)
    counted_by: Mapped[str] = mapped_column(sa.String(40))
    req_hash: Mapped[str] = mapped_column(sa.String(64))  # replay detection
    counted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
