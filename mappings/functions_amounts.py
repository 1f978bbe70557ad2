"""Amount arithmetic: multiply a list of numbers (quantity x price / base), rounded."""

from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation
from typing import Any

from pydantic import Field, model_validator

from canonical.codes import CURRENCY_MINOR_UNITS
from canonical.pricing import round_money
from mappings.errors import StepError
from mappings.functions_numbers import to_decimal_value
from mappings.steps import ROUNDING_MODES, BuildContext, Function, Params, Rounding, StepFn

# Exact like canonical/pricing.py: 34 significant digits, so no product is cut short.
_EXACT = Context(prec=34)


class MultiplyParams(Params):
    """Multiply the values of a list; optionally divide and round (to places or a currency)."""

    divide_by_last: bool = Field(
        False,
        description="The list's last number divides the product (a base quantity such as "
        "'price per 100'); an absent one counts as 1.",
    )
    divisor: Decimal | None = Field(
        None, gt=0, description="A constant the product is divided by, e.g. 100."
    )
    places: int | None = Field(None, ge=0, le=18, description="Round to this many places.")
    currency: str | None = Field(
        None,
        description="Round to this ISO 4217 currency's minor units, half up like the "
        "canonical model (canonical/pricing.py); 'last' takes the currency code from the "
        "list's last value (e.g. source [quantity, price, $root.currency]).",
    )
    rounding: Rounding = Field("half_up", description="Rounding mode for ``places``.")

    @model_validator(mode="after")
    def _one_rounding(self) -> MultiplyParams:
        if self.places is not None and self.currency is not None:
            raise ValueError("round to places or to a currency, not both")
        if self.currency not in (None, "last") and self.currency not in CURRENCY_MINOR_UNITS:
            raise ValueError(f"unknown currency {self.currency!r}; give an ISO 4217 code or last")
        if self.currency is not None and "rounding" in self.model_fields_set:
            raise ValueError("currency rounding is half up, as in the canonical model")
        return self


def _multiply(params: MultiplyParams | None, ctx: BuildContext) -> StepFn:
    p = params or MultiplyParams()
    quantum = None if p.places is None else Decimal(1).scaleb(-p.places)
    rounding = ROUNDING_MODES[p.rounding]
    currency_last = p.currency == "last"
    fixed_currency = None if currency_last else p.currency

    def multiply(value: Any) -> Any:
        values = list(value) if isinstance(value, list | tuple) else [value]
        currency = fixed_currency
        if currency_last:
            code = values.pop() if values else None
            if not isinstance(code, str) or code not in CURRENCY_MINOR_UNITS:
                raise StepError("multiply: the last value is not a known currency code", code)
            currency = code
        divisor = values.pop() if p.divide_by_last and values else None
        if not values or any(item is None for item in values):
            return None
        try:
            product = Decimal(1)
            for item in values:
                product = _EXACT.multiply(product, to_decimal_value(item, "multiply"))
            if divisor is not None and divisor != "":
                product = _EXACT.divide(product, _divisor(divisor))
            if p.divisor is not None:
                product = _EXACT.divide(product, p.divisor)
            if currency is not None:
                return round_money(product, currency)
            if quantum is not None:
                return product.quantize(quantum, rounding=rounding)
        except InvalidOperation:
            raise StepError("multiply: the result does not fit", show_value=False) from None
        return product

    return multiply


def _divisor(value: Any) -> Decimal:
    number = to_decimal_value(value, "multiply")
    if number <= 0:
        raise StepError("multiply: the divisor must be positive", value)
    return number


AMOUNT_FUNCTIONS = (
    Function(
        "multiply",
        "Multiply a list of numbers (quantity x price), divide, round to places or a currency.",
        _multiply,
        MultiplyParams,
        False,
        None,
        elementwise=False,
    ),
)
