"""Decimal field types that refuse binary floats, validated inside pydantic-core."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from pydantic_core import core_schema as cs

# Plain decimal text; a short exponent is allowed because str(Decimal) emits one for very
# small or scaled values, and a long one is refused so no input can expand to megabytes.
DECIMAL_TEXT_PATTERN = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,2})?$"

_NO_FLOAT_MESSAGE = (
    "Input should be a Decimal, an integer or a decimal string; "
    "floats are refused because binary floating point cannot hold money exactly"
)


@dataclass(frozen=True, slots=True)
class DecimalInput:
    """Annotation: accept Decimal, int or decimal text (never float), with optional bounds."""

    ge: int | None = None
    gt: int | None = None

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        integer = cs.int_schema(strict=True)
        text = cs.str_schema(pattern=DECIMAL_TEXT_PATTERN, strict=True)
        # Strict decimal would take JSON floats, so JSON input offers only int and text.
        python_input = cs.union_schema(
            [cs.decimal_schema(strict=True), integer, text],
            custom_error_type="decimal_not_float",
            custom_error_message=_NO_FLOAT_MESSAGE,
        )
        json_input = cs.union_schema(
            [integer, text],
            custom_error_type="decimal_not_float",
            custom_error_message=_NO_FLOAT_MESSAGE,
        )
        target = cs.decimal_schema(
            ge=None if self.ge is None else Decimal(self.ge),
            gt=None if self.gt is None else Decimal(self.gt),
            allow_inf_nan=False,
        )
        return cs.json_or_python_schema(
            json_schema=cs.chain_schema([json_input, target]),
            python_schema=cs.chain_schema([python_input, target]),
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [{"type": "string", "pattern": DECIMAL_TEXT_PATTERN}, {"type": "integer"}],
            "description": "Decimal number, serialised as a string",
        }


Dec = Annotated[Decimal, DecimalInput()]
NonNegativeDec = Annotated[Decimal, DecimalInput(ge=0)]
PositiveDec = Annotated[Decimal, DecimalInput(gt=0)]
