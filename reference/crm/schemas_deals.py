"""Request and response shapes of opportunities, tickets, order history and credit requests."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field

from reference.crm.types import Currency, Input, Money, Name, Native, Text255, Timestamp

OpenStage = Literal["prospecting", "qualification", "proposal", "negotiation"]
Stage = Literal[
    "prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"
]
Priority = Literal["low", "normal", "high", "urgent"]
TicketStatus = Literal["new", "open", "pending", "solved", "closed"]
RecordId = Annotated[str, Field(min_length=1, max_length=32)]


class Line(Input):
    """One line of the order a won opportunity places: ``price`` is per unit."""

    sku: Annotated[str, Field(min_length=1, max_length=40)]
    quantity: Annotated[int, Field(gt=0, le=1_000_000)]
    price: Money


class LineOut(Native):
    sku: str
    quantity: int
    price: Money


class OpportunityIn(Input):
    account_id: RecordId
    name: Name
    stage: OpenStage = "prospecting"
    currency: Currency = "EUR"
    close_date: date | None = None
    owner_id: Annotated[str, Field(max_length=32)] | None = None
    lines: list[Line] = Field(default_factory=list, max_length=200)


class OpportunityPatch(Input):
    """Changes to an opportunity; ``stage`` moves only along the legal transitions."""

    name: Name | None = None
    stage: Stage | None = None
    currency: Currency | None = None
    close_date: date | None = None
    owner_id: Annotated[str, Field(max_length=32)] | None = None
    lines: Annotated[list[Line], Field(max_length=200)] | None = None
    order_ref: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class OpportunityOut(Native):
    opportunity_id: str
    account_id: str
    name: str
    stage: str
    amount: Money
    currency: str
    close_date: date | None
    owner_id: str | None
    lines: list[LineOut]
    order_ref: str | None
    stage_changed_at: Timestamp
    created_at: Timestamp
    last_modified: Timestamp
    version: int


class OpportunityTombstone(Native):
    opportunity_id: str
    deleted: bool = True
    last_modified: Timestamp


class OpportunityPage(BaseModel):
    items: list[OpportunityOut | OpportunityTombstone]
    next_cursor: str | None
    resume_cursor: str | None


class TicketIn(Input):
    account_id: RecordId
    contact_id: RecordId | None = None
    subject: Name
    description: Annotated[str, Field(max_length=10_000)] | None = None
    priority: Priority = "normal"
    status: TicketStatus = "new"


class TicketPatch(Input):
    contact_id: RecordId | None = None
    subject: Name | None = None
    description: Annotated[str, Field(max_length=10_000)] | None = None
    priority: Priority | None = None
    status: TicketStatus | None = None


class TicketOut(Native):
    ticket_id: str
    account_id: str
    contact_id: str | None
    subject: str
    description: str | None
    priority: str
    status: str
    created_at: Timestamp
    last_modified: Timestamp
    version: int


class TicketTombstone(Native):
    ticket_id: str
    deleted: bool = True
    last_modified: Timestamp


class TicketPage(BaseModel):
    items: list[TicketOut | TicketTombstone]
    next_cursor: str | None
    resume_cursor: str | None


class OrderIn(Input):
    """An order of the account, as the hub reports it to the CRM's order history."""

    order_number: Annotated[str, Field(min_length=1, max_length=64)]
    order_date: AwareDatetime
    status: Annotated[str, Field(min_length=1, max_length=32)]
    currency: Currency
    total: Money
    lines: list[Line] = Field(default_factory=list, max_length=500)
    source: Annotated[str, Field(max_length=32)] | None = None


class OrderOut(Native):
    order_id: str
    account_id: str
    order_number: str
    order_date: Timestamp
    status: str
    currency: str
    total: Money
    lines: list[LineOut]
    source: str | None
    created_at: Timestamp
    last_modified: Timestamp


class OrderPage(BaseModel):
    items: list[OrderOut]
    next_cursor: str | None
    resume_cursor: str | None


class CreditLimitRequestIn(Input):
    requested_limit: Money
    reason: Annotated[str, Field(min_length=1, max_length=2000)]
    currency: Currency | None = None


class CreditDecisionIn(Input):
    """The outcome the hub reports; ``approvedLimit`` defaults to the amount requested."""

    status: Literal["approved", "rejected"]
    approved_limit: Money | None = None
    note: Text255 | None = None


class CreditLimitRequestOut(Native):
    request_id: str
    account_id: str
    current_limit: Money | None
    requested_limit: Money
    currency: str | None
    reason: str
    status: str
    approved_limit: Money | None
    decision_note: str | None
    decided_at: Timestamp | None
    created_at: Timestamp
    last_modified: Timestamp
    version: int


class CreditLimitRequestPage(BaseModel):
    items: list[CreditLimitRequestOut]
    next_cursor: str | None
    resume_cursor: str | None
