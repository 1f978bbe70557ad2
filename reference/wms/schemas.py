"""Request and response shapes shared by every WMS endpoint: codes, stamps, master data, stock."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictInt,
    StringConstraints,
)

from reference.wms.sscc import gs1_valid, valid_sscc

T = TypeVar("T")


def _check_gtin(value: str) -> str:
    if len(value) not in (8, 12, 13, 14) or not gs1_valid(value):
        raise ValueError("not a GTIN-8/12/13/14 with a valid check digit")
    return value


def _check_sscc(value: str) -> str:
    if not valid_sscc(value):
        raise ValueError("not an 18-digit SSCC with a valid check digit")
    return value


Code = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$", min_length=1, max_length=40)
]
LotNo = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$", max_length=30)]
Key = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]+$", min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Gtin = Annotated[str, AfterValidator(_check_gtin)]
Sscc = Annotated[str, AfterValidator(_check_sscc)]
PosQty = Annotated[StrictInt, Field(gt=0, le=100_000_000)]
NonNegQty = Annotated[StrictInt, Field(ge=0, le=100_000_000)]
LineNo = Annotated[StrictInt, Field(ge=1, le=9999)]
Stamp = Annotated[
    datetime,
    PlainSerializer(lambda d: d.isoformat(timespec="microseconds"), return_type=str),
]
DecimalText = Annotated[Decimal, PlainSerializer(lambda d: str(d), return_type=str)]


class In(BaseModel):
    """Base of request bodies: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


# --- master data -------------------------------------------------------------------------


class WarehouseOut(BaseModel):
    whse: str
    name: str
    city: str
    country: str
    gln: str | None
    updated_at: Stamp


class LocationOut(BaseModel):
    whse: str
    loc: str
    loc_type: Literal["STORAGE", "DOCK"]
    updated_at: Stamp


class ItemIn(In):
    """The sku master as the hub pushes it (PUT /items/{item_code})."""

    descr: Text
    uom: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,3}$")] = "EA"
    gtin: Gtin | None = None
    lot_tracked: bool = False
    shelf_life_days: Annotated[StrictInt, Field(ge=1, le=36500)] | None = None
    weight_kg: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=3)] | None = None
    status: Literal["ACTIVE", "INACTIVE"] = "ACTIVE"


class ItemOut(BaseModel):
    item_code: str
    descr: str
    uom: str
    gtin: str | None
    lot_tracked: bool
    shelf_life_days: int | None
    weight_kg: str | None
    status: str
    updated_at: Stamp


class LotOut(BaseModel):
    item_code: str
    lot_no: str
    expiry_date: date | None
    created_at: Stamp


class ReasonCodeOut(BaseModel):
    code: str
    descr: str
    movement_types: list[str]


# --- ledger and stock --------------------------------------------------------------------


class MovementIn(In):
    """A movement a client posts directly; ``qty`` is the on-hand change's size.

    receipt: qty > 0 adds stock; pick: qty > 0 removes available stock; adjust: signed qty.
    """

    idempotency_key: Key
    type: Literal["receipt", "pick", "adjust"]
    reason_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,8}$")]
    whse: Code
    loc: Code
    item_code: Code
    lot_no: LotNo | None = None
    expiry_date: date | None = None
    qty: Annotated[StrictInt, Field(ge=-100_000_000, le=100_000_000)]
    ref_no: Code | None = None
    note: Annotated[str, StringConstraints(max_length=200)] | None = None


class MovementOut(BaseModel):
    id: int
    idempotency_key: str
    type: str
    reason_code: str
    whse: str
    loc: str
    item_code: str
    lot_no: str | None
    qty: int
    alloc_qty: int
    ref_type: str | None
    ref_no: str | None
    note: str | None
    created_by: str
    created_at: Stamp


class StockOut(BaseModel):
    whse: str
    loc: str
    item_code: str
    lot_no: str | None
    expiry_date: date | None
    on_hand: int
    allocated: int
    available: int
    updated_at: Stamp


class StockSummaryOut(BaseModel):
    whse: str
    item_code: str
    on_hand: int
    allocated: int
    available: int


class PageOut(BaseModel, Generic[T]):
    """One page of a list: ``page`` is 1-based; ``total_pages`` is 0 for an empty list."""

    items: list[T]
    page: int
    page_size: int
    total_pages: int
    total_items: int
