"""Invoice: a commercial invoice or credit note (X12 810 / EDIFACT INVOIC).

Amounts follow the arithmetic documented in :mod:`canonical.pricing`; a credit note
carries positive amounts and the type says which way the money goes.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import Field, model_validator

from canonical.base import CanonicalModel, invariant_error
from canonical.codes import CurrencyCode
from canonical.pricing import (
    DocumentAllowanceCharge,
    DocumentTotals,
    PricedLine,
    TaxSubtotal,
    check_document_amounts,
)
from canonical.scalars import HubId, Identifier, Text, UtcDatetime
from canonical.types import ExternalRef, PartyRef, PaymentTerms

InvoiceType = Literal["invoice", "credit_note"]
InvoiceStatus = Literal[
    "draft", "issued", "sent", "partially_paid", "paid", "cancelled", "disputed"
]


class InvoiceLine(PricedLine):
    """An invoiced line, pointing back at the order line it bills."""

    order_ref: Identifier | None = None
    order_line_no: int | None = Field(default=None, ge=1)


class Invoice(CanonicalModel):
    """An invoice from a seller to a buyer."""

    hub_id: HubId | None = None
    invoice_number: Identifier
    invoice_type: InvoiceType = "invoice"
    status: InvoiceStatus = "issued"
    external_refs: tuple[ExternalRef, ...] = ()
    issue_date: date
    due_date: date | None = None
    order_refs: tuple[Identifier, ...] = ()
    purchase_order_refs: tuple[Identifier, ...] = ()
    seller: PartyRef
    buyer: PartyRef
    currency: CurrencyCode
    payment_terms: PaymentTerms | None = None
    lines: tuple[InvoiceLine, ...] = Field(min_length=1)
    allowance_charges: tuple[DocumentAllowanceCharge, ...] = ()
    tax_subtotals: tuple[TaxSubtotal, ...]
    totals: DocumentTotals
    notes: tuple[Text, ...] = ()
    updated_at: UtcDatetime | None = None
    version: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_document_amounts(self, self)
        if self.due_date is not None and self.due_date < self.issue_date:
            raise invariant_error(
                "due_before_issue",
                "due_date",
                f"{self.due_date} is before issue_date {self.issue_date}",
            )
        return self
