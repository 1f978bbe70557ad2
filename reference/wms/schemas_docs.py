"""Request and response shapes of the WMS documents: ASNs, receipts, shipments, transfers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from reference.wms.schemas import (
    Code,
    In,
    LineNo,
    LotNo,
    NonNegQty,
    PosQty,
    Sscc,
    Stamp,
    Text,
)

ReasonCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,8}$")]


class _Lines(In):
    """Documents whose lines are numbered: the numbers must be unique."""

    @model_validator(mode="after")
    def _unique_line_numbers(self) -> _Lines:
        numbers = [line.line_no for line in getattr(self, "lines", [])]
        if len(numbers) != len(set(numbers)):
            raise ValueError("lines: line_no values must be unique")
        return self


# --- inbound -----------------------------------------------------------------------------


class AsnLineIn(In):
    line_no: LineNo
    item_code: Code
    qty: PosQty
    lot_no: LotNo | None = None
    expiry_date: date | None = None
    sscc: Sscc | None = None


class AsnIn(_Lines):
    asn_no: Code
    po_ref: Code
    supplier_code: Code | None = None
    whse: Code
    expected_date: date | None = None
    lines: Annotated[list[AsnLineIn], Field(min_length=1, max_length=500)]


class AsnLineOut(BaseModel):
    line_no: int
    item_code: str
    qty: int
    lot_no: str | None
    expiry_date: date | None
    sscc: str | None


class AsnOut(BaseModel):
    asn_no: str
    po_ref: str
    supplier_code: str | None
    whse: str
    expected_date: date | None
    status: str
    lines: list[AsnLineOut]
    created_at: Stamp
    updated_at: Stamp


class ReceiptLineIn(In):
    line_no: LineNo
    received_qty: NonNegQty
    damaged_qty: NonNegQty = 0
    lot_no: LotNo | None = None
    expiry_date: date | None = None
    reason_code: ReasonCode | None = None


class ReceiptIn(_Lines):
    """A receipt against an ASN; ASN lines it leaves out count as received zero."""

    receipt_no: Code
    loc: Code
    lines: Annotated[list[ReceiptLineIn], Field(max_length=500)]


class DiscrepancyOut(BaseModel):
    line_no: int
    kind: Literal["SHORT", "OVER", "DAMAGED"]
    qty: int
    reason_code: str


class ReceiptLineOut(BaseModel):
    line_no: int
    item_code: str
    lot_no: str | None
    expected_qty: int
    received_qty: int
    damaged_qty: int
    movement_id: int | None


class ReceiptOut(BaseModel):
    receipt_no: str
    asn_no: str
    whse: str
    loc: str
    lines: list[ReceiptLineOut]
    discrepancies: list[DiscrepancyOut]
    received_by: str
    received_at: Stamp


# --- outbound ----------------------------------------------------------------------------


class ShipTo(In):
    name: Text
    line1: Text
    line2: Text | None = None
    city: Text
    postal_code: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class ShipmentLineIn(In):
    line_no: LineNo
    item_code: Code
    qty: PosQty


class ShipmentIn(_Lines):
    order_ref: Code
    whse: Code
    ship_to: ShipTo
    lines: Annotated[list[ShipmentLineIn], Field(min_length=1, max_length=500)]


class PackLineIn(In):
    item_code: Code
    lot_no: LotNo | None = None
    qty: PosQty


class PackageIn(In):
    contents: Annotated[list[PackLineIn], Field(min_length=1, max_length=500)]


class PackIn(In):
    """Packages and what each holds; left out, everything picked goes into one package."""

    packages: Annotated[list[PackageIn], Field(min_length=1, max_length=200)] | None = None


class ShipIn(In):
    carrier: Code
    tracking_no: Code
    ship_date: date | None = None


class PickTaskOut(BaseModel):
    task_id: int
    line_no: int
    item_code: str
    loc: str
    lot_no: str | None
    qty: int
    status: str


class PackageOut(BaseModel):
    sscc: str
    seq: int
    contents: list[PackLineIn]


class ShipmentLineOut(BaseModel):
    line_no: int
    item_code: str
    qty: int


class ShipmentOut(BaseModel):
    shp_no: str
    order_ref: str
    whse: str
    status: str
    ship_to: ShipTo
    lines: list[ShipmentLineOut]
    pick_tasks: list[PickTaskOut]
    packages: list[PackageOut]
    carrier: str | None
    tracking_no: str | None
    ship_date: date | None
    created_at: Stamp
    updated_at: Stamp


# --- transfers and cycle counts ----------------------------------------------------------


class TransferLineIn(In):
    line_no: LineNo
    item_code: Code
    from_loc: Code
    lot_no: LotNo | None = None
    qty: PosQty


class TransferIn(_Lines):
    """A transfer leaves the source warehouse when it is created."""

    xfer_no: Code
    from_whse: Code
    to_whse: Code
    lines: Annotated[list[TransferLineIn], Field(min_length=1, max_length=500)]


class TransferReceiveIn(In):
    loc: Code


class TransferLineOut(BaseModel):
    line_no: int
    item_code: str
    from_loc: str
    lot_no: str | None
    qty: int


class TransferOut(BaseModel):
    xfer_no: str
    from_whse: str
    to_whse: str
    status: str
    to_loc: str | None
    lines: list[TransferLineOut]
    created_at: Stamp
    updated_at: Stamp


class CycleCountIn(In):
    count_no: Code
    whse: Code
    loc: Code
    item_code: Code
    lot_no: LotNo | None = None
    counted_qty: NonNegQty
    reason_code: ReasonCode = "CCV"


class CycleCountOut(BaseModel):
    count_no: str
    whse: str
    loc: str
    item_code: str
    lot_no: str | None
    system_qty: int
    counted_qty: int
    variance: int
    reason_code: str
    movement_id: int | None
    counted_by: str
    counted_at: Stamp
