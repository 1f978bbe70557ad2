"""Fields every party master record carries (customers and suppliers)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from canonical.base import CanonicalModel
from canonical.codes import CurrencyCode
from canonical.scalars import Code, Gln, HubId, Identifier, LanguageTag, Name, UtcDatetime
from canonical.types import Address, Contact, ExternalRef, Money, PaymentTerms, TaxId

PartyType = Literal["organization", "person"]
PartyStatus = Literal["prospect", "active", "blocked", "inactive"]


class PartyMaster(CanonicalModel):
    """Master data shared by Customer and Supplier.

    Hot path: mapping jobs validate hundreds of thousands of these, so every check here
    stays in pydantic-core (types, patterns, code lists); only a present GLN reaches Python.
    """

    hub_id: HubId | None = None
    external_refs: tuple[ExternalRef, ...] = ()
    party_type: PartyType = "organization"
    legal_name: Name
    display_name: Name | None = None
    tax_ids: tuple[TaxId, ...] = ()
    gln: Gln | None = None
    status: PartyStatus = "active"
    addresses: tuple[Address, ...] = ()
    contacts: tuple[Contact, ...] = ()
    currency: CurrencyCode | None = None
    payment_terms: PaymentTerms | None = None
    credit_limit: Money | None = None
    customer_group: Code | None = None
    price_list: Code | None = None
    tier: Code | None = None
    language: LanguageTag | None = None
    sales_owner: Identifier | None = None
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None
    version: int = Field(default=0, ge=0)
