"""Field types of the CRM's JSON: money as decimal strings, timestamps with offset."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_camel

CENT = Decimal("0.01")


def _no_float(value: Any) -> Any:
    # A JSON number with a fraction arrives as float and may already have lost cents.
    if isinstance(value, float | bool):
        raise ValueError('money is a decimal string such as "1250.00", not a JSON number')
    return value


def money_text(value: Decimal) -> str:
    return str(value.quantize(CENT))


def timestamp_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


Money = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    Field(ge=0, max_digits=14, decimal_places=2, examples=["25000.00"]),
    PlainSerializer(money_text, return_type=str),
]
Timestamp = Annotated[AwareDatetime, PlainSerializer(timestamp_text, return_type=str)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=255)]
Text100 = Annotated[str, Field(max_length=100)]
Text255 = Annotated[str, Field(max_length=255)]
Name = Annotated[str, Field(min_length=1, max_length=255)]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9 ()./-]{3,31}$")]


class Native(BaseModel):
    """A record as the CRM shows it: camelCase keys."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Input(BaseModel):
    """A request body: camelCase keys, unknown keys rejected."""

    model_config = ConfigDict(alias_generator=to_camel, extra="forbid")

    def given(self) -> dict[str, Any]:
        """The fields the client actually sent (PATCH semantics), by attribute name."""
        return {name: getattr(self, name) for name in self.model_fields_set}
