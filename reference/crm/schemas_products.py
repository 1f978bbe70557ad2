"""Request and response shapes of the product catalogue and its price book entries."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from reference.crm.schemas import ExternalId, SystemName
from reference.crm.types import Currency, Input, Money, Name, Native, Timestamp

STANDARD_PRICE_BOOK = "standard"

ProductCode = Annotated[
    str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$")
]
PriceBookName = Annotated[
    str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
]
Gtin = Annotated[str, Field(pattern=r"^(\d{8}|\d{12}|\d{13}|\d{14})$", examples=["4001234567006"])]
Family = Annotated[str, Field(min_length=1, max_length=40)]
UnitOfMeasure = Annotated[str, Field(pattern=r"^[A-Z0-9]{1,8}$", examples=["EA"])]


def gtin_check_digit_ok(code: str) -> bool:
    """GS1 mod-10: weights 3 and 1 from the right, the last digit being the check digit."""
    digits = [int(ch) for ch in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


class PriceBookEntryIn(Input):
    """The product's price in one price book and currency."""

    price_book: PriceBookName = STANDARD_PRICE_BOOK
    currency: Currency
    unit_price: Money
    is_active: bool = True


class ProductIn(Input):
    """A whole product with its price book entries (POST, PUT, upsert by external id)."""

    product_code: ProductCode
    name: Name
    description: Annotated[str, Field(max_length=4000)] | None = None
    family: Family | None = None
    gtin: Gtin | None = None
    unit_of_measure: UnitOfMeasure | None = None
    is_active: bool = True
    external_ids: dict[SystemName, ExternalId] = Field(default_factory=dict)
    price_book_entries: list[PriceBookEntryIn] = Field(default_factory=list, max_length=200)

    @field_validator("gtin")
    @classmethod
    def _check_digit(cls, value: str | None) -> str | None:
        if value is not None and not gtin_check_digit_ok(value):
            raise ValueError("GTIN check digit is wrong")
        return value


class PriceBookEntryOut(Native):
    entry_id: str
    price_book: str
    currency: str
    unit_price: Money
    is_active: bool


class ProductOut(Native):
    product_id: str
    product_code: str
    name: str
    description: str | None
    family: str | None
    gtin: str | None
    unit_of_measure: str | None
    is_active: bool
    external_ids: dict[str, str]
    price_book_entries: list[PriceBookEntryOut]
    created_at: Timestamp
    last_modified: Timestamp
    version: int


class ProductTombstone(Native):
    product_id: str
    deleted: bool = True
    last_modified: Timestamp


class ProductPage(BaseModel):
    items: list[ProductOut | ProductTombstone]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at end")
    resume_cursor: str | None = Field(description="Pass later to read what changed since")
