"""The document arithmetic: half-up rounding to the currency's minor units, tax per subtotal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from canonical_samples import sample
from canonical_strategies import orders
from hypothesis import given, settings
from pydantic import ValidationError

from canonical import (
    LineAllowanceCharge,
    Money,
    Order,
    OrderLine,
    compute_line_total,
    compute_tax_subtotals,
    round_money,
)


@pytest.mark.parametrize(
    ("quantity", "price", "base", "currency", "expected"),
    [
        ("3", "0.335", "1", "EUR", "1.01"),  # 1.005 rounds half-up, not to even
        ("7", "99.5", "1", "JPY", "697"),  # JPY has no minor unit
        ("1", "1.2345", "1", "KWD", "1.235"),  # KWD has three
        ("3", "4.00", "10", "EUR", "1.20"),  # price per 10 units
    ],
)
def test_line_net_is_rounded_half_up_to_minor_units(
    quantity: str, price: str, base: str, currency: str, expected: str
) -> None:
    total = compute_line_total(Decimal(quantity), Decimal(price), Decimal(base), (), currency)
    assert total == Decimal(expected)
    assert total.as_tuple().exponent == Decimal(expected).as_tuple().exponent


def test_line_allowances_subtract_and_charges_add() -> None:
    extras = (
        LineAllowanceCharge(charge=False, amount=Money(amount="2.00", currency="EUR")),
        LineAllowanceCharge(charge=True, amount=Money(amount="0.50", currency="EUR")),
    )
    assert compute_line_total(Decimal(1), Decimal(10), Decimal(1), extras, "EUR") == Decimal("8.50")


def test_tax_is_rounded_per_subtotal_not_per_line() -> None:
    # Two lines of 0.10 at 5%: per line 0.005 -> 0.01 each (0.02); per subtotal 0.01.
    lines = [
        OrderLine(
            line_no=number,
            sku="S",
            quantity={"value": 1, "uom": "EA"},
            unit_price={"amount": "0.10", "currency": "EUR"},
            tax_category="S",
            tax_rate=5,
            line_total={"amount": "0.10", "currency": "EUR"},
        )
        for number in (1, 2)
    ]
    (subtotal,) = compute_tax_subtotals(lines, (), "EUR")
    assert subtotal.taxable_amount.amount == Decimal("0.20")
    assert subtotal.tax_amount.amount == Decimal("0.01")


def test_round_money_half_up() -> None:
    assert round_money(Decimal("0.505"), "EUR") == Decimal("0.51")
    assert round_money(Decimal("-0.505"), "EUR") == Decimal("-0.51")
    assert round_money(Decimal("2.5"), "JPY") == Decimal(3)


def test_equal_numbers_with_other_scale_are_accepted() -> None:
    data = sample("Order")
    data["totals"]["payable"]["amount"] = "35.7100"
    assert Order.model_validate(data).totals.payable.amount == Decimal("35.71")


@settings(max_examples=30, deadline=None)
@given(orders())
def test_a_payable_one_cent_off_is_refused(order: Order) -> None:
    data = order.model_dump(mode="json")
    payable = Decimal(data["totals"]["payable"]["amount"])
    data["totals"]["payable"]["amount"] = str(payable + Decimal("0.01"))
    with pytest.raises(ValidationError) as caught:
        Order.model_validate(data)
    assert caught.value.errors()[0]["ctx"]["field"] == "totals.payable.amount"
