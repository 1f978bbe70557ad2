"""Request and response shapes of the SRM portal API (money as strings, UTC timestamps)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
)

T = TypeVar("T")

VendorStatus = Literal["PROSPECT", "APPROVED", "SUSPENDED", "BLOCKED"]
PoStatus = Literal["SENT", "ACKNOWLEDGED", "PARTIALLY_SHIPPED", "SHIPPED", "INVOICED", "CLOSED"]


def _no_float(value: Any) -> Any:
    # A JSON float has already lost cents; only strings (or integers) carry money exactly.
    if isinstance(value, float):
        raise ValueError("money must be a string such as '12.50', not a JSON number")
    return value


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


Money = Annotated[Decimal, BeforeValidator(_no_float), Field(max_digits=18, decimal_places=4, ge=0)]
Stamp = Annotated[datetime, PlainSerializer(_iso, return_type=str)]
Code3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Text = Annotated[str, Field(min_length=1, max_length=500)]


class In(BaseModel):
    """Base of request bodies: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class Page(BaseModel, Generic[T]):
    """A page of records in (updated_at, id) order."""

    data: list[T]
    offset: int
    limit: int
    total: int


# --- vendors ---------------------------------------------------------------------------


class VendorIn(In):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    currency: Code3
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)]
    tax_id: Annotated[str, Field(max_length=40)] | None = None
    buyer_ref: Annotated[str, Field(max_length=40)] | None = None
    lead_time_days: Annotated[int, Field(ge=0, le=365)] = 7
    edi_partner: Annotated[str, Field(max_length=40)] | None = None


class StatusChangeIn(In):
    status: VendorStatus
    reason: Text
    actor: Annotated[str, Field(min_length=1, max_length=100)]


class CertificateIn(In):
    type: Annotated[str, Field(pattern=r"^[A-Z0-9_-]{2,40}$")]
    number: Annotated[str, Field(min_length=1, max_length=60)]
    issued: date
    valid_until: date

    @field_validator("valid_until")
    @classmethod
    def _after_issue(cls, value: date, info: ValidationInfo) -> date:
        issued = info.data.get("issued")
        if issued is not None and value < issued:
            raise ValueError("valid_until lies before issued")
        return value


class CertificateOut(BaseModel):
    type: str
    number: str
    issued: date
    valid_until: date
    expired: bool


class VendorOut(BaseModel):
    vendor_id: str
    name: str
    country: str
    currency: str
    email: str
    tax_id: str | None
    buyer_ref: str | None
    lead_time_days: int
    edi_partner: str | None
    status: VendorStatus
    certificates: list[CertificateOut]
    created_at: Stamp
    updated_at: Stamp


class StatusChangeOut(BaseModel):
    from_status: VendorStatus | None
    to_status: VendorStatus
    reason: str
    actor: str
    changed_at: Stamp


# --- purchase orders -------------------------------------------------------------------


class PoLineIn(In):
    line_no: Annotated[int, Field(ge=1, le=9999)]
    sku: Annotated[str, Field(min_length=1, max_length=40)]
    quantity: Annotated[int, Field(gt=0)]
    unit_price: Money


class PoIn(In):
    po_number: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    vendor_id: Annotated[str, Field(pattern=r"^V-\d{6}$")]
    order_date: date
    currency: Code3
    lines: Annotated[list[PoLineIn], Field(min_length=1, max_length=500)]

    @field_validator("lines")
    @classmethod
    def _unique_lines(cls, value: list[PoLineIn]) -> list[PoLineIn]:
        numbers = [line.line_no for line in value]
        if len(numbers) != len(set(numbers)):
            raise ValueError("line_no values must be unique")
        return value


class AckLineIn(In):
    line_no: Annotated[int, Field(ge=1)]
    status: Literal["ACCEPTED", "CHANGED", "REJECTED"]
    confirmed_qty: Annotated[int, Field(ge=0)] | None = None
    confirmed_date: date | None = None


class AckIn(In):
    lines: Annotated[list[AckLineIn], Field(min_length=1)]
    note: Text | None = None


class PoStatusIn(In):
    status: PoStatus
    note: Text | None = None
    invoice_number: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    invoice_amount: Money | None = None

    @field_validator("invoice_amount")
    @classmethod
    def _invoice_complete(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if info.data.get("status") == "INVOICED" and (
            value is None or info.data.get("invoice_number") is None
        ):
            raise ValueError("INVOICED needs invoice_number and invoice_amount")
        return value


class PoLineOut(BaseModel):
    line_no: int
    sku: str
    quantity: int
    unit_price: Decimal
    ack_status: str | None
    confirmed_qty: int | None
    confirmed_date: date | None


class PoOut(BaseModel):
    po_number: str
    vendor_id: str
    order_date: date
    currency: str
    total_amount: Decimal
    status: PoStatus
    status_note: str | None
    invoice_number: str | None
    invoiced_amount: Decimal | None
    lines: list[PoLineOut]
    created_at: Stamp
    updated_at: Stamp


# --- scorecards ------------------------------------------------------------------------


class DeliveryEventIn(In):
    po_number: Annotated[str, Field(min_length=1, max_length=40)]
    promised_date: date
    delivered_date: date
    ordered_qty: Annotated[int, Field(gt=0)]
    delivered_qty: Annotated[int, Field(ge=0)]
    rejected_qty: Annotated[int, Field(ge=0)] = 0

    @field_validator("rejected_qty")
    @classmethod
    def _rejected_within(cls, value: int, info: ValidationInfo) -> int:
        delivered = info.data.get("delivered_qty")
        if delivered is not None and value > delivered:
            raise ValueError("rejected_qty exceeds delivered_qty")
        return value


class ScorePeriod(BaseModel):
    period: str
    deliveries: int
    on_time_pct: Decimal
    fill_rate_pct: Decimal
    quality_ppm: int
    ordered_qty: int
    delivered_qty: int
    rejected_qty: int


class ScorecardOut(BaseModel):
    vendor_id: str
    current: ScorePeriod | None
    history: list[ScorePeriod]


# --- reconciliation statements ---------------------------------------------------------


class StatementIn(In):
    vendor_id: Annotated[str, Field(pattern=r"^V-\d{6}$")]
    period_from: date
    period_to: date
    currency: Code3 | None = None

    @field_validator("period_to")
    @classmethod
    def _ordered(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("period_from")
        if start is not None and value < start:
            raise ValueError("period_to lies before period_from")
        return value


class ConfirmIn(In):
    actor: Annotated[str, Field(min_length=1, max_length=100)]
    comment: Text | None = None


class DisputeLineIn(In):
    po_number: Annotated[str, Field(min_length=1, max_length=40)]
    comment: Text
    supplier_amount: Money | None = None


class DisputeIn(In):
    actor: Annotated[str, Field(min_length=1, max_length=100)]
    comment: Text
    lines: Annotated[list[DisputeLineIn], Field(min_length=1)]


class ResolutionIn(In):
    actor: Annotated[str, Field(min_length=1, max_length=100)]
    outcome: Literal["BUYER_AMOUNTS_STAND", "SUPPLIER_AMOUNTS_ACCEPTED"]
    comment: Text


class StatementLineOut(BaseModel):
    po_number: str
    ordered_amount: Decimal
    invoiced_amount: Decimal
    open_amount: Decimal
    supplier_amount: Decimal | None
    dispute_comment: str | None


class StatementOut(BaseModel):
    statement_no: str
    vendor_id: str
    period_from: date
    period_to: date
    currency: str
    status: Literal["OPEN", "CONFIRMED", "DISPUTED", "RESOLVED"]
    ordered_total: Decimal
    invoiced_total: Decimal
    open_total: Decimal
    supplier_actor: str | None
    supplier_comment: str | None
    resolution: str | None
    resolution_comment: str | None
    resolved_by: str | None
    lines: list[StatementLineOut]
    created_at: Stamp
    updated_at: Stamp
