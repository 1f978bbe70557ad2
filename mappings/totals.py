"""compute_totals: line totals, tax subtotals and totals filled in with canonical arithmetic.

The arithmetic is the canonical model's own (``canonical.pricing``): this module only finds
the inputs in a mapped document and writes the results where the rules left a gap. What
the rules did write is kept, so validation still checks a system's own totals.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from canonical.codes import CURRENCY_MINOR_UNITS
from canonical.pricing import (
    DocumentAllowanceCharge,
    DocumentTotals,
    LineAllowanceCharge,
    PricedLine,
    TaxSubtotal,
    compute_line_total,
    compute_tax_subtotals,
    compute_totals,
)
from mappings.errors import StepError
from mappings.functions_numbers import to_decimal_value
from mappings.paths import is_absent

Completer = Callable[[dict[str, Any]], None]


class _Incomplete(Exception):
    """An input is missing or invalid: leave the gap for validation to name."""


def line_model(model: type[BaseModel]) -> type[PricedLine]:
    """The line class of a priced document model (``lines: tuple[OrderLine, ...]``)."""
    annotation = model.model_fields["lines"].annotation
    for candidate in typing.get_args(annotation):
        if isinstance(candidate, type) and issubclass(candidate, PricedLine):
            return candidate
    raise TypeError(f"{model.__name__}.lines holds no priced lines")


def _decimal(value: Any) -> Decimal:
    if is_absent(value):
        raise _Incomplete
    try:
        return to_decimal_value(value, "compute_totals")
    except StepError:
        raise _Incomplete from None


def _part(record: dict[str, Any], *keys: str) -> Any:
    value: Any = record
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _money_slot(owner: dict[str, Any], name: str, currency: str) -> dict[str, Any]:
    """The Money object at ``owner[name]``, created when absent, with a currency."""
    slot = owner.get(name)
    if not isinstance(slot, dict):
        slot = owner[name] = {}
    if is_absent(slot.get("currency")):
        slot["currency"] = currency
    return slot


def _fill_line(raw: dict[str, Any], currency: str) -> None:
    if not is_absent(_part(raw, "line_total", "amount")):
        return
    line_currency = _part(raw, "unit_price", "currency")
    line_currency = line_currency if isinstance(line_currency, str) else currency
    if line_currency not in CURRENCY_MINOR_UNITS:
        raise _Incomplete
    base = raw.get("base_quantity")
    charges = _validated(LineAllowanceCharge, raw.get("allowance_charges") or [])
    amount = compute_line_total(
        _decimal(_part(raw, "quantity", "value")),
        _decimal(_part(raw, "unit_price", "amount")),
        Decimal(1) if is_absent(base) else _decimal(base),
        charges,
        line_currency,
    )
    _money_slot(raw, "line_total", line_currency)["amount"] = amount


def _validated(model: type[BaseModel], items: Any) -> list[Any]:
    if not isinstance(items, list | tuple):
        raise _Incomplete
    try:
        return [model.model_validate(item) for item in items]
    except ValidationError:
        raise _Incomplete from None


def _complete(document: dict[str, Any], lines_of: type[PricedLine]) -> None:
    currency = document.get("currency")
    raw_lines = document.get("lines")
    if not isinstance(currency, str) or currency not in CURRENCY_MINOR_UNITS:
        raise _Incomplete
    if not isinstance(raw_lines, list) or not all(isinstance(r, dict) for r in raw_lines):
        raise _Incomplete
    for raw in raw_lines:
        _fill_line(raw, currency)
    lines = _validated(lines_of, raw_lines)
    charges = _validated(DocumentAllowanceCharge, document.get("allowance_charges") or [])
    declared = document.get("tax_subtotals")
    if is_absent(declared):
        subtotals = list(compute_tax_subtotals(lines, charges, currency))
        document["tax_subtotals"] = [subtotal.model_dump() for subtotal in subtotals]
    else:
        subtotals = _validated(TaxSubtotal, declared)
    totals = document.get("totals")
    if not isinstance(totals, dict):
        totals = document["totals"] = {}
    prepaid = _part(totals, "prepaid", "amount")
    computed = compute_totals(
        lines, charges, subtotals, currency, None if is_absent(prepaid) else _decimal(prepaid)
    )
    for name in DocumentTotals.model_fields:
        value = getattr(computed, name)
        if value is None:
            continue
        slot = _money_slot(totals, name, currency)
        if is_absent(slot.get("amount")):
            slot["amount"] = value.amount


def totals_completer(model: type[BaseModel]) -> Completer:
    """A function completing one mapped document in place (nothing when inputs are missing)."""
    lines_of = line_model(model)

    def complete(document: dict[str, Any]) -> None:
        try:
            _complete(document, lines_of)
        except _Incomplete:
            # Validation of the canonical record names the missing or invalid field.
            return

    return complete
