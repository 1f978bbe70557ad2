"""Shipment: an advance ship notice (X12 856 / EDIFACT DESADV) with SSCC-labelled packages."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from canonical.base import CanonicalModel, invariant_error
from canonical.scalars import Code, Gtin, HubId, Identifier, Name, Sscc, UtcDatetime
from canonical.types import ExternalRef, PartyRef, Quantity

ShipmentStatus = Literal["planned", "shipped", "in_transit", "delivered", "cancelled"]


class Carrier(CanonicalModel):
    """Who carries the goods and how."""

    name: Name
    scac: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}$")] | None = None
    service_level: Code | None = None


class ShipmentLine(CanonicalModel):
    """Goods of one product (and lot) inside one package."""

    line_no: int = Field(ge=1)
    sku: Identifier | None = None
    gtin: Gtin | None = None
    quantity: Quantity
    lot: Identifier | None = None
    serials: tuple[Identifier, ...] = ()
    expiry: date | None = None
    order_ref: Identifier | None = None
    order_line_no: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _identified(self) -> Self:
        if self.sku is None and self.gtin is None:
            raise invariant_error("product_unidentified", "sku", "a line needs a sku or a gtin")
        if self.quantity.value <= 0:
            raise invariant_error("quantity_not_positive", "quantity.value", "must be > 0")
        return self


class Package(CanonicalModel):
    """A logistic unit (pallet, carton) identified by its SSCC."""

    sscc: Sscc
    package_type: Code | None = None
    weight: Quantity | None = None
    lines: tuple[ShipmentLine, ...] = Field(min_length=1)


class Shipment(CanonicalModel):
    """Goods dispatched from one place to another against orders or purchase orders."""

    hub_id: HubId | None = None
    shipment_number: Identifier
    external_refs: tuple[ExternalRef, ...] = ()
    status: ShipmentStatus
    order_refs: tuple[Identifier, ...] = ()
    purchase_order_refs: tuple[Identifier, ...] = ()
    ship_from: PartyRef
    ship_to: PartyRef
    carrier: Carrier | None = None
    tracking_number: Identifier | None = None
    ship_date: date | None = None
    expected_delivery_date: date | None = None
    packages: tuple[Package, ...] = Field(min_length=1)
    updated_at: UtcDatetime | None = None
    version: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _packages(self) -> Self:
        seen: set[str] = set()
        for index, package in enumerate(self.packages):
            if package.sscc in seen:
                raise invariant_error(
                    "duplicate_sscc", f"packages[{index}].sscc", f"{package.sscc} repeats"
                )
            seen.add(package.sscc)
        return self
