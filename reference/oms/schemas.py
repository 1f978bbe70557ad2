"""Request and response shapes of the OMS API (snake_case, integer ids, minor-unit money)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

Channel = Literal["WEB", "MARKETPLACE", "EDI", "CRM"]
Priority = Literal["URGENT", "HIGH", "NORMAL", "LOW"]
Tier = Literal["gold", "silver", "bronze"]
Status = Literal[
    "NEW",
    "ALLOCATED",
    "PARTIALLY_ALLOCATED",
    "BACKORDERED",
    "RELEASED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "INVOICED",
    "CLOSED",
    "CANCELLED",
]
ManualStatus = Literal["RELEASED", "CANCELLED", "CLOSED"]

Sku = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
Code = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Z0-9][A-Z0-9\-]*$")]
Ref = Annotated[str, Field(min_length=1, max_length=60)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp must carry a UTC offset")
    return value


AwareIn = Annotated[datetime, AfterValidator(_aware)]
# Full microsecond precision with an explicit offset, whatever the value.
Timestamp = Annotated[
    datetime, PlainSerializer(lambda v: v.isoformat(timespec="microseconds"), return_type=str)
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests --------------------------------------------------------------------------


class ShipToIn(_In):
    name: str | None = Field(default=None, max_length=200)
    line1: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country: Country
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _both_or_neither(self) -> ShipToIn:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give latitude and longitude together, or neither")
        return self


class OrderLineIn(_In):
    line_no: int | None = Field(default=None, ge=1, le=9999)
    item_sku: Sku
    qty: int = Field(gt=0, le=1_000_000)
    unit_price_minor: int | None = Field(
        default=None, ge=0, le=10**12, description="left out: the catalogue's list price"
    )


class OrderIn(_In):
    channel: Channel
    channel_order_ref: Ref
    customer_ref: Annotated[str, Field(min_length=1, max_length=40)]
    customer_tier: Tier | None = None
    priority: Priority = "NORMAL"
    ordered_at: AwareIn | None = None
    requested_date: date | None = None
    currency: Currency
    ship_to: ShipToIn
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _unique_line_numbers(self) -> OrderIn:
        numbers = [line.line_no for line in self.lines if line.line_no is not None]
        if numbers and len(numbers) != len(self.lines):
            raise ValueError("lines: give line_no on every line or on none")
        if len(set(numbers)) != len(numbers):
            raise ValueError("lines: line_no values must be unique")
        return self


class StatusChangeIn(_In):
    status: ManualStatus
    reason: str | None = Field(default=None, max_length=200)


class AtpIn(_In):
    qty_available: int = Field(ge=0, le=10**9)
    as_of_seq: int = Field(ge=0, le=2**62)


class AtpBatchItem(AtpIn):
    warehouse: Code
    item_sku: Sku


class AtpBatchIn(_In):
    updates: list[AtpBatchItem] = Field(min_length=1, max_length=1000)


class AllocationRunIn(_In):
    order_ids: list[int] | None = Field(default=None, max_length=1000)
    as_of_date: date | None = None


class ShipmentLineIn(_In):
    line_no: int = Field(ge=1)
    qty: int = Field(gt=0, le=1_000_000)


class ShipmentIn(_In):
    shipment_ref: Ref
    order_id: int = Field(ge=1)
    warehouse: Code
    tracking: str | None = Field(default=None, max_length=60)
    shipped_at: AwareIn | None = None
    lines: list[ShipmentLineIn] = Field(min_length=1, max_length=500)


class InvoiceIn(_In):
    invoice_number: Ref
    invoiced_at: AwareIn | None = None


class CustomerIn(_In):
    name: str = Field(min_length=1, max_length=200)
    tier: Tier
    country: Country


# --- responses -------------------------------------------------------------------------


class ShipToOut(BaseModel):
    name: str | None
    line1: str | None
    city: str
    postal_code: str | None
    country: str
    latitude: float
    longitude: float


class AllocationOut(BaseModel):
    warehouse: str
    qty: int
    qty_shipped: int
    distance_km: int
    ready_days: int = Field(description="lead time + transit days from this warehouse")


class OrderLineOut(BaseModel):
    line_no: int
    item_sku: str
    qty_ordered: int
    qty_allocated: int
    qty_backordered: int
    qty_shipped: int
    unit_price_minor: int
    line_total_minor: int
    allocations: list[AllocationOut]


class OrderOut(BaseModel):
    id: int
    channel: Channel
    channel_order_ref: str
    status: Status
    priority: Priority
    customer_ref: str
    customer_tier: Tier
    ordered_at: Timestamp
    requested_date: date | None
    promised_date: date | None
    currency: str
    total_minor: int
    ship_to: ShipToOut
    lines: list[OrderLineOut]
    invoice_number: str | None
    invoiced_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp
    version: int


class AtpOut(BaseModel):
    warehouse: str
    item_sku: str
    qty_available: int
    as_of_seq: int
    updated_at: Timestamp


class AtpPutOut(AtpOut):
    applied: bool = Field(description="false when the update was older than the stored one")


class AtpBatchOut(BaseModel):
    applied: int
    ignored_stale: int
    results: list[AtpPutOut]


class WarehouseOut(BaseModel):
    code: str
    name: str
    city: str
    country: str
    latitude: float
    longitude: float
    lead_time_days: int


class CustomerOut(BaseModel):
    customer_ref: str
    name: str
    tier: Tier
    country: str
    updated_at: Timestamp


class AllocationResultOut(BaseModel):
    order_id: int
    status: Status
    promised_date: date | None
    qty_allocated: int
    qty_backordered: int


class AllocationRunOut(BaseModel):
    orders: list[AllocationResultOut]


class ShipmentLineOut(BaseModel):
    line_no: int
    qty: int


class ShipmentOut(BaseModel):
    id: int
    shipment_ref: str
    order_id: int
    warehouse: str
    tracking: str | None
    shipped_at: Timestamp
    lines: list[ShipmentLineOut]
    order_status: Status


class HealthOut(BaseModel):
    status: str
    system: str
