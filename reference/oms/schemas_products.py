"""Request and response shapes of the OMS sellable catalogue (prices in minor units)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from reference.oms.schemas import Currency, Timestamp

Gtin = Annotated[str, Field(pattern=r"^(\d{8}|\d{12}|\d{13}|\d{14})$")]


def gtin_check_digit_ok(code: str) -> bool:
    """GS1 mod-10: weights 3 and 1 from the right, the last digit being the check digit."""
    digits = [int(ch) for ch in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


class ProductIn(BaseModel):
    """A whole catalogue item (PUT /products/{item_sku}); the sku is the path's."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    gtin: Gtin | None = None
    list_price_minor: int | None = Field(default=None, ge=0, le=10**12)
    currency: Currency | None = None
    active: bool = True

    @field_validator("gtin")
    @classmethod
    def _check_digit(cls, value: str | None) -> str | None:
        if value is not None and not gtin_check_digit_ok(value):
            raise ValueError("GTIN check digit is wrong")
        return value


class ProductOut(BaseModel):
    item_sku: str
    name: str
    gtin: str | None
    list_price_minor: int | None
    currency: str | None
    active: bool
    created_at: Timestamp
    updated_at: Timestamp
    version: int


class ProductPutOut(ProductOut):
    changed: bool = Field(description="false when the item already was exactly this")
