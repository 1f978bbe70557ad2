"""Order: a sales order with lines, warehouse allocations, tax subtotals and totals.

Amounts follow the arithmetic documented in :mod:`canonical.pricing`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal, Self

from pydantic import Field, model_validator

from canonical.base import CanonicalModel, invariant_error
from canonical.codes import CurrencyCode
from canonical.decimals import NonNegativeDec
from canonical.pricing import (
    DocumentAllowanceCharge,
    DocumentTotals,
    PricedLine,
    TaxSubtotal,
    check_document_amounts,
)
from canonical.scalars import Gln, HubId, Identifier, Text, UtcDatetime
from canonical.types import ExternalRef, Incoterms, PartyRef, PaymentTerms

OrderStatus = Literal[
    "draft",
    "pending",
    "on_hold",
    "confirmed",
    "allocated",
    "partially_shipped",
    "shipped",
    "invoiced",
    "completed",
    "cancelled",
]
OrderChannel = Literal[
    "web", "marketplace", "edi", "crm", "pos", "phone", "email", "portal", "other"
]
Priority = Literal["low", "normal", "high", "urgent"]


class OrderLine(PricedLine):
    """A sales order line and how far it has progressed."""

    requested_date: date | None = None
    promised_date: date | None = None
    quantity_confirmed: NonNegativeDec = Decimal(0)
    quantity_allocated: NonNegativeDec = Decimal(0)
    quantity_shipped: NonNegativeDec = Decimal(0)
    quantity_invoiced: NonNegativeDec = Decimal(0)
    quantity_cancelled: NonNegativeDec = Decimal(0)


class Allocation(CanonicalModel):
    """Part of one line reserved in one warehouse."""

    line_no: int = Field(ge=1)
    warehouse_id: Identifier
    warehouse_gln: Gln | None = None
    quantity: NonNegativeDec


class Order(CanonicalModel):
    """A customer's sales order, whatever channel it came in through."""

    hub_id: HubId | None = None
    order_number: Identifier
    channel: OrderChannel
    external_refs: tuple[ExternalRef, ...] = ()
    status: OrderStatus
    order_date: date
    requested_delivery_date: date | None = None
    promised_date: date | None = None
    priority: Priority = "normal"
    customer: PartyRef
    bill_to: PartyRef | None = None
    ship_to: PartyRef | None = None
    currency: CurrencyCode
    payment_terms: PaymentTerms | None = None
    incoterms: Incoterms | None = None
    lines: tuple[OrderLine, ...] = Field(min_length=1)
    allowance_charges: tuple[DocumentAllowanceCharge, ...] = ()
    tax_subtotals: tuple[TaxSubtotal, ...]
    totals: DocumentTotals
    allocations: tuple[Allocation, ...] = ()
    notes: tuple[Text, ...] = ()
    updated_at: UtcDatetime | None = None
    version: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_document_amounts(self, self)
        ordered = {line.line_no: line.quantity.value for line in self.lines}
        allocated: dict[int, Decimal] = {}
        for index, allocation in enumerate(self.allocations):
            if allocation.line_no not in ordered:
                raise invariant_error(
                    "allocation_unknown_line",
                    f"allocations[{index}].line_no",
                    f"no order line {allocation.line_no}",
                )
            total = allocated.get(allocation.line_no, Decimal(0)) + allocation.quantity
            allocated[allocation.line_no] = total
            if total > ordered[allocation.line_no]:
                raise invariant_error(
                    "over_allocated",
                    f"allocations[{index}].quantity",
                    f"line {allocation.line_no} allocates {total} of "
                    f"{ordered[allocation.line_no]} ordered",
                )
        return self
