"""Product: the item master (identity, units, prices, suppliers, BOM, replenishment)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal, Self

from pydantic import Field, model_validator

from canonical.base import CanonicalModel, invariant_error
from canonical.codes import UnitCode
from canonical.decimals import NonNegativeDec, PositiveDec
from canonical.pricing import TaxCategory
from canonical.scalars import Code, Gtin, HubId, Identifier, LanguageTag, Name, Text, UtcDatetime
from canonical.types import Money, Quantity

ProductStatus = Literal["active", "discontinued", "blocked"]
Tracking = Literal["none", "lot", "serial"]


class LocalizedText(CanonicalModel):
    """A text in one language."""

    language: LanguageTag
    text: Text


class UnitConversion(CanonicalModel):
    """``1 from_uom = factor to_uom``, with the GTIN of that packaging level if any."""

    from_uom: UnitCode
    to_uom: UnitCode
    factor: PositiveDec
    gtin: Gtin | None = None


class Dimensions(CanonicalModel):
    """Length, width and height of one base unit."""

    length: Quantity
    width: Quantity
    height: Quantity


class ListPrice(CanonicalModel):
    """A price on one price list for ``base_quantity`` base units, valid in a window."""

    price_list: Code
    price: Money
    base_quantity: PositiveDec = Decimal(1)
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise invariant_error(
                "window_reversed", "valid_to", f"{self.valid_to} is before {self.valid_from}"
            )
        return self


class SupplierItem(CanonicalModel):
    """How one supplier sells the product."""

    supplier_id: Identifier
    supplier_sku: Identifier | None = None
    lead_time_days: int | None = Field(default=None, ge=0)
    minimum_order_quantity: NonNegativeDec | None = None
    pack_size: PositiveDec | None = None
    cost: Money | None = None


class BomComponent(CanonicalModel):
    """A component and how much of it one unit of the product needs."""

    sku: Identifier
    quantity_per_unit: PositiveDec
    uom: UnitCode | None = None


class Product(CanonicalModel):
    """A product as ERP, OMS, WMS and SRM all need to know it."""

    hub_id: HubId | None = None
    sku: Identifier
    gtin: Gtin | None = None
    manufacturer_part_number: Identifier | None = None
    brand: Name | None = None
    names: tuple[LocalizedText, ...] = Field(min_length=1)
    descriptions: tuple[LocalizedText, ...] = ()
    category: Code | None = None
    status: ProductStatus = "active"
    base_uom: UnitCode
    unit_conversions: tuple[UnitConversion, ...] = ()
    weight: Quantity | None = None
    dimensions: Dimensions | None = None
    tax_category: TaxCategory | None = None
    tracking: Tracking = "none"
    shelf_life_days: int | None = Field(default=None, ge=0)
    list_prices: tuple[ListPrice, ...] = ()
    supplier_items: tuple[SupplierItem, ...] = ()
    bom_components: tuple[BomComponent, ...] = ()
    reorder_point: NonNegativeDec | None = None
    reorder_quantity: NonNegativeDec | None = None
    updated_at: UtcDatetime | None = None
    version: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _unique_languages(self) -> Self:
        for field in ("names", "descriptions"):
            seen: set[str] = set()
            for index, text in enumerate(getattr(self, field)):
                if text.language in seen:
                    raise invariant_error(
                        "duplicate_language",
                        f"{field}[{index}].language",
                        f"{text.language} appears twice",
                    )
                seen.add(text.language)
        return self
