"""PurchaseOrder: the buyer's order to a supplier, with approval and per-line confirmation.

Amounts follow the arithmetic documented in :mod:`canonical.pricing`.
"""

from __future__ import annotations

from datetime import date
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
from canonical.scalars import HubId, Identifier, Text, UtcDatetime
from canonical.types import ExternalRef, Incoterms, Money, PartyRef, PaymentTerms

PurchaseOrderStatus = Literal[
    "draft",
    "pending_approval",
    "approved",
    "rejected",
    "sent",
    "acknowledged",
    "partially_received",
    "received",
    "closed",
    "cancelled",
]
ApprovalStatus = Literal["not_required", "pending", "approved", "rejected"]
ConfirmationStatus = Literal["accepted", "changed", "rejected", "backordered"]

# Statuses reached only after the PO was released, so its approval must be settled.
_RELEASED = frozenset({"sent", "acknowledged", "partially_received", "received", "closed"})


class SupplierConfirmation(CanonicalModel):
    """The supplier's answer for one line (X12 855 / EDIFACT ORDRSP)."""

    status: ConfirmationStatus
    quantity: NonNegativeDec | None = None
    unit_price: Money | None = None
    delivery_date: date | None = None
    confirmed_at: UtcDatetime | None = None
    note: Text | None = None


class PurchaseOrderLine(PricedLine):
    """A purchase order line with the supplier's confirmation, once it arrives."""

    supplier_sku: Identifier | None = None
    requested_date: date | None = None
    confirmation: SupplierConfirmation | None = None
    quantity_received: NonNegativeDec | None = None


class PurchaseOrder(CanonicalModel):
    """An order the company places with a supplier."""

    hub_id: HubId | None = None
    po_number: Identifier
    external_refs: tuple[ExternalRef, ...] = ()
    status: PurchaseOrderStatus
    approval_status: ApprovalStatus = "not_required"
    order_date: date
    requested_delivery_date: date | None = None
    supplier: PartyRef
    buyer: PartyRef | None = None
    bill_to: PartyRef | None = None
    ship_to: PartyRef | None = None
    currency: CurrencyCode
    payment_terms: PaymentTerms | None = None
    incoterms: Incoterms | None = None
    lines: tuple[PurchaseOrderLine, ...] = Field(min_length=1)
    allowance_charges: tuple[DocumentAllowanceCharge, ...] = ()
    tax_subtotals: tuple[TaxSubtotal, ...]
    totals: DocumentTotals
    notes: tuple[Text, ...] = ()
    updated_at: UtcDatetime | None = None
    version: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_document_amounts(self, self)
        if self.status in _RELEASED and self.approval_status not in ("approved", "not_required"):
            raise invariant_error(
                "not_approved",
                "approval_status",
                f"a purchase order in status {self.status} must be approved or not need "
                f"approval, not {self.approval_status}",
            )
        return self
