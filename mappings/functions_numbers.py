"""Number functions: decimals, integers, minor currency units, rounding, unit conversion."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import Field, model_validator

from mappings.errors import StepError
from mappings.steps import (
    IDENTITY,
    ROUNDING_MODES,
    BuildContext,
    Function,
    Params,
    Rounding,
    StepFn,
    StepSpec,
)
from mappings.tables import CONVERTIBLE_UNITS, unit_factor

NativeNumber = Literal["string", "number"]


def to_decimal_value(value: Any, name: str, decimal_sep: str = ".", group_sep: str = "") -> Decimal:
    """A finite Decimal from a Decimal, int, float (through its shortest text) or text."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise StepError(f"{name} needs a number, got bool", value)
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        # repr gives the shortest text that reads back as the same float: 0.1 -> "0.1".
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if group_sep:
            text = text.replace(group_sep, "")
        if decimal_sep != ".":
            text = text.replace(decimal_sep, ".")
        try:
            result = Decimal(text)
        except (InvalidOperation, ValueError):
            raise StepError(f"{name}: not a decimal number", value) from None
    else:
        raise StepError(f"{name} needs a number, got {type(value).__name__}", value)
    if not result.is_finite():
        raise StepError(f"{name}: not a finite number", value)
    return result


def _quantizer(places: int | None) -> Decimal | None:
    return None if places is None else Decimal(1).scaleb(-places)


class DecimalParams(Params):
    """Read a decimal; the inverse writes it back in the same form."""

    places: int | None = Field(None, ge=0, le=18, description="Round to this many places.")
    rounding: Rounding = Field("half_up", description="Rounding mode for ``places``.")
    decimal_sep: Literal[".", ","] = Field(".", description="Decimal separator of the text.")
    group_sep: Literal["", ",", ".", " ", "'"] = Field("", description="Thousands separator.")
    native: NativeNumber = Field(
        "string", description="How the native side holds it: text or a JSON number."
    )

    @model_validator(mode="after")
    def _separators_differ(self) -> DecimalParams:
        if self.decimal_sep == self.group_sep:
            raise ValueError("decimal_sep and group_sep must differ")
        return self


def _to_decimal(params: DecimalParams | None, ctx: BuildContext) -> StepFn:
    p = params or DecimalParams()
    quantum = _quantizer(p.places)
    rounding = ROUNDING_MODES[p.rounding]
    dec_sep, group_sep = p.decimal_sep, p.group_sep

    plain_text = dec_sep == "." and not group_sep

    def to_decimal(value: Any) -> Any:
        if plain_text and value.__class__ is str:
            # Fast path for the common case; Decimal() itself ignores surrounding spaces.
            try:
                number = Decimal(value)
            except (InvalidOperation, ValueError):
                raise StepError("to_decimal: not a decimal number", value) from None
            if not number.is_finite():
                raise StepError("to_decimal: not a finite number", value)
        else:
            number = to_decimal_value(value, "to_decimal", dec_sep, group_sep)
        if quantum is not None:
            try:
                number = number.quantize(quantum, rounding=rounding)
            except InvalidOperation:
                raise StepError("to_decimal: number too large", value) from None
        return number

    return to_decimal


def _format_decimal(params: DecimalParams | None, ctx: BuildContext) -> StepFn:
    p = params or DecimalParams()
    to_decimal = _to_decimal(p, ctx)
    comma = p.decimal_sep == ","

    def format_decimal(value: Any) -> Any:
        number = to_decimal(value)
        if p.native == "number":
            return number
        text = format(number, "f")
        return text.replace(".", ",") if comma else text

    return format_decimal


class IntParams(Params):
    """Read a whole number; the inverse writes it back as text or a JSON number."""

    native: NativeNumber = Field("string", description="How the native side holds it.")


def _to_int(params: IntParams | None, ctx: BuildContext) -> StepFn:
    def to_int(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        number = to_decimal_value(value, "to_int")
        if number != number.to_integral_value():
            raise StepError("to_int: not a whole number", value)
        return int(number)

    return to_int


def _to_int_inverse(params: IntParams | None) -> StepSpec:
    if (params or IntParams()).native == "string":
        return StepSpec("to_string")
    return StepSpec("to_int")


class MinorParams(Params):
    """Minor currency units (cents) against a decimal amount."""

    places: int = Field(2, ge=0, le=6, description="Decimal places of the currency.")
    rounding: Rounding = Field("half_up", description="Rounding when going to minor units.")


def _minor_to_decimal(params: MinorParams | None, ctx: BuildContext) -> StepFn:
    places = (params or MinorParams()).places

    def minor_to_decimal(value: Any) -> Any:
        number = to_decimal_value(value, "minor_to_decimal")
        if number != number.to_integral_value():
            raise StepError("minor_to_decimal: minor units must be whole", value)
        return number.to_integral_value().scaleb(-places)

    return minor_to_decimal


def _decimal_to_minor(params: MinorParams | None, ctx: BuildContext) -> StepFn:
    p = params or MinorParams()
    rounding = ROUNDING_MODES[p.rounding]

    def decimal_to_minor(value: Any) -> Any:
        number = to_decimal_value(value, "decimal_to_minor").scaleb(p.places)
        return int(number.quantize(Decimal(1), rounding=rounding))

    return decimal_to_minor


class RoundParams(Params):
    """Round a decimal to a number of places."""

    places: int = Field(0, ge=0, le=18, description="Decimal places to keep.")
    rounding: Rounding = Field("half_up", description="Rounding mode.")


def _round(params: RoundParams | None, ctx: BuildContext) -> StepFn:
    p = params or RoundParams()
    return _to_decimal(DecimalParams(places=p.places, rounding=p.rounding), ctx)


class ConvertUnitParams(Params):
    """Convert a quantity from one Rec 20 unit to another of the same dimension."""

    from_: str = Field(alias="from", description="Rec 20 code of the native unit, e.g. GRM.")
    to: str = Field(description="Rec 20 code of the canonical unit, e.g. KGM.")
    places: int | None = Field(None, ge=0, le=18, description="Round the result.")

    @model_validator(mode="after")
    def _known(self) -> ConvertUnitParams:
        for code in (self.from_, self.to):
            if code not in CONVERTIBLE_UNITS:
                known = ", ".join(sorted(CONVERTIBLE_UNITS))
                raise ValueError(f"unit {code!r} is not convertible; known: {known}")
        unit_factor(self.from_, self.to)
        return self


def _convert_unit(params: ConvertUnitParams, ctx: BuildContext) -> StepFn:
    factor = unit_factor(params.from_, params.to)
    quantum = _quantizer(params.places)

    def convert(value: Any) -> Any:
        number = to_decimal_value(value, "convert_unit") * factor
        if quantum is not None:
            return number.quantize(quantum)
        # Drop the trailing zeros the factor adds, without switching to exponent form.
        number = number.normalize()
        exponent = number.as_tuple().exponent
        return number.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else number

    return convert


def _convert_unit_inverse(params: ConvertUnitParams) -> StepSpec:
    return StepSpec("convert_unit", ConvertUnitParams(**{"from": params.to, "to": params.from_}))


NUMBER_FUNCTIONS = (
    Function(
        "to_decimal",
        "Text or number to an exact Decimal, optionally rounded.",
        _to_decimal,
        DecimalParams,
        False,
        lambda p: StepSpec("format_decimal", p or DecimalParams()),
    ),
    Function(
        "format_decimal",
        "Decimal to text (or a JSON number), optionally rounded.",
        _format_decimal,
        DecimalParams,
        False,
        lambda p: StepSpec("to_decimal", p or DecimalParams()),
    ),
    Function(
        "to_int", "Text or number to a whole number.", _to_int, IntParams, False, _to_int_inverse
    ),
    Function(
        "minor_to_decimal",
        "Minor units (cents) to a decimal amount.",
        _minor_to_decimal,
        MinorParams,
        False,
        lambda p: StepSpec("decimal_to_minor", p or MinorParams()),
    ),
    Function(
        "decimal_to_minor",
        "Decimal amount to minor units (cents).",
        _decimal_to_minor,
        MinorParams,
        False,
        lambda p: StepSpec("minor_to_decimal", p or MinorParams()),
    ),
    Function(
        "round",
        "Round a decimal (the inverse keeps the rounded value).",
        _round,
        RoundParams,
        False,
        IDENTITY,
    ),
    Function(
        "convert_unit",
        "Convert between units of one dimension (g, kg, mm, m, pieces ...).",
        _convert_unit,
        ConvertUnitParams,
        True,
        _convert_unit_inverse,
    ),
)
