"""Shared value types: Money, Quantity, Address, Contact, references and terms."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from canonical.base import CanonicalModel, invariant_error
from canonical.codes import CountryCode, CurrencyCode, UnitCode
from canonical.decimals import Dec, NonNegativeDec
from canonical.scalars import Code, Email, Gln, HubId, Identifier, Name, PhoneE164, SystemName

AddressRole = Literal["bill_to", "ship_to", "sold_to"]
IncotermCode = Literal["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"]
AddressLine = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class Money(CanonicalModel):
    """An exact amount in one ISO 4217 currency; JSON carries the amount as a string."""

    amount: Dec
    currency: CurrencyCode


class Quantity(CanonicalModel):
    """An exact quantity in a UN/ECE Recommendation 20 unit."""

    value: Dec
    uom: UnitCode


class ExternalRef(CanonicalModel):
    """The id a record has in one connected system."""

    system: SystemName
    id: Identifier


class TaxId(CanonicalModel):
    """A tax registration, e.g. scheme ``EU:VAT`` value ``DE123456789``."""

    scheme: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9:_-]{1,19}$")]
    value: Annotated[str, StringConstraints(min_length=1, max_length=40)]


class Address(CanonicalModel):
    """A postal address in one role."""

    role: AddressRole
    lines: tuple[AddressLine, ...] = Field(min_length=1, max_length=3)
    city: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    region: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    postal_code: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = None
    country: CountryCode
    gln: Gln | None = None


class Contact(CanonicalModel):
    """A person to talk to at a party."""

    name: Name
    role: Code | None = None
    email: Email | None = None
    phone: PhoneE164 | None = None


class PaymentTerms(CanonicalModel):
    """Payment terms: a code, the net days and optional early-payment discount."""

    code: Code
    net_days: int = Field(ge=0, le=3650)
    discount_percent: NonNegativeDec | None = None
    discount_days: int | None = Field(default=None, ge=0, le=3650)
    description: Name | None = None


class Incoterms(CanonicalModel):
    """Incoterms 2020 rule and the named place."""

    code: IncotermCode
    place: Name | None = None


class PartyRef(CanonicalModel):
    """A party named inside a document: by hub id, GLN, external ref and/or address."""

    hub_id: HubId | None = None
    gln: Gln | None = None
    name: Name | None = None
    external_refs: tuple[ExternalRef, ...] = ()
    tax_ids: tuple[TaxId, ...] = ()
    address: Address | None = None

    @model_validator(mode="after")
    def _identified(self) -> Self:
        if not (self.hub_id or self.gln or self.external_refs or self.address):
            raise invariant_error(
                "party_unidentified",
                "hub_id",
                "a party needs a hub_id, gln, external_refs or address",
            )
        return self
