"""Text functions: trim, case, whitespace, concat, split, pad, coalesce, countries, units."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from canonical.codes import UNIT_CODES
from mappings.errors import StepError
from mappings.functions_numbers import DecimalParams
from mappings.paths import is_absent
from mappings.steps import IDENTITY, BuildContext, Function, Params, StepFn, StepSpec, expect_text
from mappings.tables import COUNTRY_BY_NAME, fold_name, unit_code


class TrimParams(Params):
    """Characters to strip (default: whitespace) and from which side."""

    chars: str | None = Field(None, description="Characters to remove; whitespace if absent.")
    side: Literal["both", "left", "right"] = Field("both", description="Where to strip.")


def _trim(params: TrimParams | None, ctx: BuildContext) -> StepFn:
    p = params or TrimParams()
    chars = p.chars
    method = {"both": str.strip, "left": str.lstrip, "right": str.rstrip}[p.side]

    def trim(value: Any) -> Any:
        if value.__class__ is not str:
            expect_text(value, "trim")
        return method(value, chars)

    return trim


def _normalize_whitespace(params: None, ctx: BuildContext) -> StepFn:
    def normalize(value: Any) -> Any:
        if value.__class__ is not str:
            expect_text(value, "normalize_whitespace")
        return " ".join(value.split())

    return normalize


def _upper(params: None, ctx: BuildContext) -> StepFn:
    return lambda value: expect_text(value, "upper").upper()


def _lower(params: None, ctx: BuildContext) -> StepFn:
    return lambda value: expect_text(value, "lower").lower()


class ConcatParams(Params):
    """Join a list of values into one text."""

    sep: str = Field("", description="Separator put between the parts.")
    skip_empty: bool = Field(True, description="Leave out missing and empty parts.")


def _concat(params: ConcatParams | None, ctx: BuildContext) -> StepFn:
    p = params or ConcatParams()

    def concat(value: Any) -> Any:
        parts = value if isinstance(value, list | tuple) else [value]
        texts = [_as_text(part) for part in parts if not (p.skip_empty and is_absent(part))]
        return p.sep.join(texts) if texts or not p.skip_empty else None

    return concat


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise StepError(f"concat needs text or numbers, got {type(value).__name__}", value)
    return format(value, "f") if isinstance(value, Decimal) else str(value)


class SplitParams(Params):
    """Split text into a list, optionally keeping one part."""

    sep: str = Field(description="Separator to split at.", min_length=1)
    maxsplit: int = Field(-1, description="At most this many splits; -1 for all.")
    index: int | None = Field(None, description="Keep only this part (not invertible).")


def _split(params: SplitParams, ctx: BuildContext) -> StepFn:
    def split(value: Any) -> Any:
        parts = expect_text(value, "split").split(params.sep, params.maxsplit)
        if params.index is None:
            return parts
        if -len(parts) <= params.index < len(parts):
            return parts[params.index]
        return None

    return split


def _split_inverse(params: SplitParams) -> StepSpec | None:
    if params.index is not None:
        return None
    return StepSpec("concat", ConcatParams(sep=params.sep, skip_empty=False))


class PadParams(Params):
    """Pad text (numbers are written as text first) to a width."""

    width: int = Field(description="Length to pad to.", ge=1, le=1000)
    char: str = Field(" ", description="Padding character.", min_length=1, max_length=1)
    side: Literal["left", "right"] = Field("left", description="Side that receives padding.")


def _pad(params: PadParams, ctx: BuildContext) -> StepFn:
    width, char = params.width, params.char
    left = params.side == "left"

    def pad(value: Any) -> Any:
        text = value if isinstance(value, str) else _as_text(value)
        return text.rjust(width, char) if left else text.ljust(width, char)

    return pad


def _coalesce(params: None, ctx: BuildContext) -> StepFn:
    def coalesce(value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value
        for item in value:
            if not is_absent(item):
                return item
        return None

    return coalesce


class CountryParams(Params):
    """What to do with a name that is not in the table."""

    unknown: Literal["error", "passthrough", "null"] = Field(
        "error", description="error: fail the record; passthrough: keep it; null: drop it."
    )


def _country_to_iso(params: CountryParams | None, ctx: BuildContext) -> StepFn:
    unknown = (params or CountryParams()).unknown

    def country(value: Any) -> Any:
        text = value if value.__class__ is str else expect_text(value, "country_to_iso")
        # Most values are already codes or plain names: try them before folding.
        code = COUNTRY_BY_NAME.get(text) or COUNTRY_BY_NAME.get(fold_name(text))
        if code is not None:
            return code
        if unknown == "passthrough":
            return text
        if unknown == "null":
            return None
        raise StepError("country_to_iso: unknown country", value)

    return country


class UnitCodeParams(Params):
    """Normalise unit spellings (kg, Stück, pcs, EA ...) to UN/ECE Rec 20 codes."""

    pieces: str = Field("EA", description="Rec 20 code that every piece spelling becomes.")
    unknown: Literal["error", "passthrough"] = Field("error", description="Unknown spellings.")


def _unit_code(params: UnitCodeParams | None, ctx: BuildContext) -> StepFn:
    p = params or UnitCodeParams()

    def unit(value: Any) -> Any:
        text = expect_text(value, "unit_code")
        code = unit_code(text, p.pieces)
        if code is None and text.strip().upper() in UNIT_CODES:
            code = text.strip().upper()
        if code is not None:
            return code
        if p.unknown == "passthrough":
            return text
        raise StepError("unit_code: unknown unit", value)

    return unit


class ToStringParams(Params):
    """Write a value as text; ``from`` says what the native value is, for the inverse."""

    from_: Literal["any", "int", "decimal"] = Field(
        "any", alias="from", description="int or decimal make the rule invertible."
    )


def _to_string(params: ToStringParams | None, ctx: BuildContext) -> StepFn:
    def to_string(value: Any) -> Any:
        return value if isinstance(value, str) else _as_text(value)

    return to_string


def _to_string_inverse(params: ToStringParams | None) -> StepSpec | None:
    kind = (params or ToStringParams()).from_
    if kind == "int":
        return StepSpec("to_int")
    if kind == "decimal":
        return StepSpec("to_decimal", DecimalParams())
    return None


TEXT_FUNCTIONS = (
    Function("trim", "Strip whitespace or given characters.", _trim, TrimParams, False, IDENTITY),
    Function(
        "normalize_whitespace",
        "Collapse runs of whitespace to one space and strip the ends.",
        _normalize_whitespace,
        inverse=IDENTITY,
    ),
    Function("upper", "Upper-case text (not invertible).", _upper),
    Function("lower", "Lower-case text (not invertible).", _lower),
    Function(
        "concat",
        "Join a list of values with a separator.",
        _concat,
        ConcatParams,
        False,
        elementwise=False,
    ),
    Function("split", "Split text at a separator.", _split, SplitParams, True, _split_inverse),
    Function("pad", "Pad text to a width on the left or right.", _pad, PadParams, True),
    Function(
        "coalesce",
        "First value of a list that is present and not empty.",
        _coalesce,
        elementwise=False,
    ),
    Function(
        "country_to_iso",
        "Country name, alpha-3 or alpha-2 code to ISO 3166-1 alpha-2.",
        _country_to_iso,
        CountryParams,
    ),
    Function("unit_code", "Unit spelling to a UN/ECE Rec 20 code.", _unit_code, UnitCodeParams),
    Function(
        "to_string",
        "Write a number as text.",
        _to_string,
        ToStringParams,
        False,
        _to_string_inverse,
    ),
)
