"""Line and document amounts shared by Order, PurchaseOrder and Invoice.

The arithmetic, decided once for the whole hub (it follows UBL 2.3 / EN 16931):

* All arithmetic is exact ``Decimal`` in a 34-digit context; "round" means quantize to the
  document currency's ISO 4217 minor units (2 for EUR, 0 for JPY, 3 for KWD) half-up.
* Line total = round(quantity * unit_price / base_quantity)
  - Σ line allowances + Σ line charges. Allowance and charge amounts are taken as given.
* Tax subtotals: one per (tax category, rate) present on the lines or the document-level
  allowances/charges. taxable = Σ line totals in the group - Σ document allowances in the
  group + Σ document charges in the group; tax = round(taxable * rate / 100). Tax is
  rounded per subtotal, never per line.
* Totals: lines_total = Σ line totals; allowances_total = Σ document allowances;
  charges_total = Σ document charges; tax_exclusive = lines_total - allowances_total +
  charges_total; tax_total = Σ subtotal tax; tax_inclusive = tax_exclusive + tax_total;
  payable = tax_inclusive - prepaid (prepaid absent means zero).
* Every Money in a document has the document's currency.

Declared amounts must equal the computed ones numerically (``10.0 == 10.00``); totals are
never free values. Use :func:`compute_line_total`, :func:`compute_tax_subtotals` and
:func:`compute_totals` to build a valid document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from typing import Literal, Protocol, Self

from pydantic import BaseModel, Field, model_validator

from canonical.base import CanonicalModel, invariant_error
from canonical.codes import minor_units
from canonical.decimals import NonNegativeDec, PositiveDec
from canonical.scalars import Code, Gtin, Identifier, Name, Text
from canonical.types import Money, Quantity

TaxCategory = Literal["S", "Z", "E", "AE", "K", "G", "O", "L", "M", "B"]
"""UNCL 5305 duty/tax category codes."""

_ARITHMETIC = Context(
    prec=34, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero, Overflow]
)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Quantize ``amount`` half-up to the minor units of ``currency``."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), context=_ARITHMETIC)


class LineAllowanceCharge(CanonicalModel):
    """An allowance (discount) or charge on one line; it takes the line's tax."""

    charge: bool
    amount: Money
    reason_code: Code | None = None
    reason: Name | None = None

    @model_validator(mode="after")
    def _non_negative(self) -> Self:
        if self.amount.amount < 0:
            raise invariant_error("negative_amount", "amount.amount", "must not be negative")
        return self


class DocumentAllowanceCharge(LineAllowanceCharge):
    """An allowance or charge on the whole document, taxed in its own category."""

    tax_category: TaxCategory
    tax_rate: NonNegativeDec


class TaxSubtotal(CanonicalModel):
    """Tax for one (category, rate) group."""

    tax_category: TaxCategory
    tax_rate: NonNegativeDec
    taxable_amount: Money
    tax_amount: Money


class DocumentTotals(CanonicalModel):
    """Monetary totals of a document (UBL LegalMonetaryTotal)."""

    lines_total: Money
    allowances_total: Money
    charges_total: Money
    tax_exclusive: Money
    tax_total: Money
    tax_inclusive: Money
    prepaid: Money | None = None
    payable: Money


class PricedLine(CanonicalModel):
    """A document line with a price; ``line_total`` must follow the module's arithmetic."""

    line_no: int = Field(ge=1)
    sku: Identifier | None = None
    gtin: Gtin | None = None
    description: Text | None = None
    quantity: Quantity
    unit_price: Money
    base_quantity: PositiveDec = Decimal(1)
    allowance_charges: tuple[LineAllowanceCharge, ...] = ()
    tax_category: TaxCategory
    tax_rate: NonNegativeDec
    line_total: Money

    @model_validator(mode="after")
    def _line_total_adds_up(self) -> Self:
        if self.sku is None and self.gtin is None:
            raise invariant_error("product_unidentified", "sku", "a line needs a sku or a gtin")
        if self.quantity.value < 0:
            raise invariant_error("negative_quantity", "quantity.value", "must not be negative")
        currency = self.unit_price.currency
        for path, money in iter_money(self):
            if money.currency != currency:
                raise invariant_error(
                    "currency_mismatch",
                    path + ".currency",
                    f"{money.currency} differs from unit_price currency {currency}",
                )
        expected = compute_line_total(
            self.quantity.value,
            self.unit_price.amount,
            self.base_quantity,
            self.allowance_charges,
            currency,
        )
        if self.line_total.amount != expected:
            raise invariant_error(
                "line_total_mismatch",
                "line_total.amount",
                f"expected {expected} (quantity x unit_price / base_quantity, rounded, "
                f"- allowances + charges), got {self.line_total.amount}",
            )
        return self


class PricedDocument(Protocol):
    """What the amount checks need from a document."""

    @property
    def currency(self) -> str: ...
    @property
    def lines(self) -> Sequence[PricedLine]: ...
    @property
    def allowance_charges(self) -> Sequence[DocumentAllowanceCharge]: ...
    @property
    def tax_subtotals(self) -> Sequence[TaxSubtotal]: ...
    @property
    def totals(self) -> DocumentTotals: ...


def iter_money(model: BaseModel, path: str = "") -> Iterator[tuple[str, Money]]:
    """Yield (field path, Money) for every Money nested anywhere in ``model``."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        here = f"{path}.{name}" if path else name
        if isinstance(value, Money):
            yield here, value
        elif isinstance(value, BaseModel):
            yield from iter_money(value, here)
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from iter_money(item, f"{here}[{index}]")


def compute_line_total(
    quantity: Decimal,
    unit_price: Decimal,
    base_quantity: Decimal,
    allowance_charges: Iterable[LineAllowanceCharge],
    currency: str,
) -> Decimal:
    """Line total per the module's arithmetic."""
    net = _ARITHMETIC.divide(_ARITHMETIC.multiply(quantity, unit_price), base_quantity)
    total = round_money(net, currency)
    for item in allowance_charges:
        total += item.amount.amount if item.charge else -item.amount.amount
    return total


def _group_taxable(
    lines: Iterable[PricedLine], allowance_charges: Iterable[DocumentAllowanceCharge]
) -> dict[tuple[str, Decimal], Decimal]:
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        key = (line.tax_category, line.tax_rate)
        groups[key] = groups.get(key, _ZERO) + line.line_total.amount
    for item in allowance_charges:
        key = (item.tax_category, item.tax_rate)
        signed = item.amount.amount if item.charge else -item.amount.amount
        groups[key] = groups.get(key, _ZERO) + signed
    return groups


def compute_tax_subtotals(
    lines: Iterable[PricedLine],
    allowance_charges: Iterable[DocumentAllowanceCharge],
    currency: str,
) -> tuple[TaxSubtotal, ...]:
    """Tax subtotals per (category, rate), sorted by category then rate."""
    groups = _group_taxable(lines, allowance_charges)
    return tuple(
        TaxSubtotal(
            tax_category=category,
            tax_rate=rate,
            taxable_amount=Money(amount=taxable, currency=currency),
            tax_amount=Money(
                amount=round_money(
                    _ARITHMETIC.divide(_ARITHMETIC.multiply(taxable, rate), _HUNDRED), currency
                ),
                currency=currency,
            ),
        )
        for (category, rate), taxable in sorted(groups.items())
    )


def compute_totals(
    lines: Iterable[PricedLine],
    allowance_charges: Iterable[DocumentAllowanceCharge],
    tax_subtotals: Iterable[TaxSubtotal],
    currency: str,
    prepaid: Decimal | None = None,
) -> DocumentTotals:
    """Document totals per the module's arithmetic."""
    allowance_charges = tuple(allowance_charges)
    lines_total = sum((line.line_total.amount for line in lines), _ZERO)
    allowances = sum((a.amount.amount for a in allowance_charges if not a.charge), _ZERO)
    charges = sum((a.amount.amount for a in allowance_charges if a.charge), _ZERO)
    tax = sum((s.tax_amount.amount for s in tax_subtotals), _ZERO)
    tax_exclusive = lines_total - allowances + charges

    def money(amount: Decimal) -> Money:
        return Money(amount=amount, currency=currency)

    return DocumentTotals(
        lines_total=money(lines_total),
        allowances_total=money(allowances),
        charges_total=money(charges),
        tax_exclusive=money(tax_exclusive),
        tax_total=money(tax),
        tax_inclusive=money(tax_exclusive + tax),
        prepaid=None if prepaid is None else money(prepaid),
        payable=money(tax_exclusive + tax - (prepaid or _ZERO)),
    )


def check_document_amounts(document: PricedDocument, model: BaseModel) -> None:
    """Raise a field-naming error unless currencies, subtotals and totals add up."""
    currency = document.currency
    for path, money in iter_money(model):
        if money.currency != currency:
            raise invariant_error(
                "currency_mismatch",
                path + ".currency",
                f"{money.currency} differs from document currency {currency}",
            )
    _check_line_numbers(document.lines)
    _check_tax_subtotals(document, currency)
    totals = document.totals
    prepaid = totals.prepaid.amount if totals.prepaid is not None else None
    expected = compute_totals(
        document.lines, document.allowance_charges, document.tax_subtotals, currency, prepaid
    )
    for name in DocumentTotals.model_fields:
        want, got = getattr(expected, name), getattr(totals, name)
        if want is not None and got is not None and want.amount != got.amount:
            raise invariant_error(
                "total_mismatch",
                f"totals.{name}.amount",
                f"expected {want.amount}, got {got.amount}",
            )


def _check_line_numbers(lines: Sequence[PricedLine]) -> None:
    seen: set[int] = set()
    for index, line in enumerate(lines):
        if line.line_no in seen:
            raise invariant_error(
                "duplicate_line_no", f"lines[{index}].line_no", f"{line.line_no} repeats"
            )
        seen.add(line.line_no)


def _check_tax_subtotals(document: PricedDocument, currency: str) -> None:
    expected = {
        (s.tax_category, s.tax_rate): s
        for s in compute_tax_subtotals(document.lines, document.allowance_charges, currency)
    }
    seen: set[tuple[str, Decimal]] = set()
    for index, declared in enumerate(document.tax_subtotals):
        key = (declared.tax_category, declared.tax_rate)
        path = f"tax_subtotals[{index}]"
        want = expected.get(key)
        if want is None or key in seen:
            raise invariant_error(
                "tax_subtotal_unexpected",
                path,
                f"no lines or document allowances/charges in {key[0]} at {key[1]}%"
                if want is None
                else f"{key[0]} at {key[1]}% appears twice",
            )
        seen.add(key)
        for name in ("taxable_amount", "tax_amount"):
            if getattr(declared, name).amount != getattr(want, name).amount:
                raise invariant_error(
                    "tax_subtotal_mismatch",
                    f"{path}.{name}.amount",
                    f"expected {getattr(want, name).amount}, got {getattr(declared, name).amount}",
                )
    missing = sorted(set(expected) - seen)
    if missing:
        category, rate = missing[0]
        raise invariant_error(
            "tax_subtotal_missing", "tax_subtotals", f"no subtotal for {category} at {rate}%"
        )
