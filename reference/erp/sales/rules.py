"""Sales business rules as plain functions: terms, tax, credit exposure, invoice totals."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.erp.models import Customer, SalesOrder, SalesOrderItem
from reference.erp.soap.faults import SoapFault

CENT = Decimal("0.01")
PAYMENT_DAYS: dict[str, int] = {"Z000": 0, "Z014": 14, "Z030": 30, "Z060": 60}
# Output tax by the customer's country; unknown countries are billed without tax
# (export), which is what the ERP's tax determination falls back to.
TAX_RATES: dict[str, Decimal] = {
    "DE": Decimal("19"),
    "FR": Decimal("20"),
    "NL": Decimal("21"),
    "GB": Decimal("20"),
    "US": Decimal("0"),
}
UOMS = ("ST", "KG", "M", "L", "PAK")
DEFAULT_PRICE_LIST = "PL01"
# A new customer may order this much until credit management sets a limit.
DEFAULT_CREDIT_LIMIT = Decimal("5000.00")
BATCH_LIMIT = 500
_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")


def money(value: Decimal) -> Decimal:
    """``value`` rounded to cents, half up as invoices are."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def tax_rate(country_key: str) -> Decimal:
    """Output tax rate in percent for a customer in ``country_key``."""
    return TAX_RATES.get(country_key, Decimal(0))


def check_country(value: str, field: str = "CountryKey") -> str:
    """``value`` if it is a two-letter upper-case country key."""
    if not _COUNTRY.fullmatch(value):
        raise SoapFault.validation(field, f"{value!r} is not a two-letter country key")
    return value


def check_currency(value: str, field: str = "Currency") -> str:
    """``value`` if it is a three-letter upper-case currency key."""
    if not _CURRENCY.fullmatch(value):
        raise SoapFault.validation(field, f"{value!r} is not a three-letter currency key")
    return value


def check_amount(value: Decimal, field: str, *, positive: bool = False) -> Decimal:
    """A non-negative (or positive) amount with at most two decimals."""
    if value < 0 or (positive and value == 0):
        raise SoapFault.validation(field, "must be positive" if positive else "must be >= 0")
    if value != value.quantize(CENT):
        raise SoapFault.validation(field, "at most two decimals")
    return money(value)


def check_quantity(value: Decimal, uom: str, field: str = "Quantity") -> Decimal:
    """A positive quantity; whole numbers for pieces (ST, PAK), three decimals otherwise."""
    if value <= 0:
        raise SoapFault.validation(field, "must be positive")
    if uom in ("ST", "PAK") and value != value.to_integral_value():
        raise SoapFault.validation(field, f"must be a whole number of {uom}")
    if value != value.quantize(Decimal("0.001")):
        raise SoapFault.validation(field, "at most three decimals")
    return value


def line_value(quantity: Decimal, net_price: Decimal) -> Decimal:
    """Net value of a line: quantity times price, rounded to cents."""
    return money(quantity * net_price)


def open_order_value(session: Session, customer_no: str) -> Decimal:
    """What the customer owes on orders not yet invoiced: the credit exposure."""
    rows = session.execute(
        sa.select(SalesOrderItem.quantity, SalesOrderItem.invoiced_qty, SalesOrderItem.net_price)
        .join(SalesOrder, SalesOrder.sales_order_no == SalesOrderItem.sales_order_no)
        .where(SalesOrder.customer_no == customer_no, SalesOrder.status != "INVOICED")
    )
    return sum(
        (line_value(qty - invoiced, price) for qty, invoiced, price in rows), Decimal("0.00")
    )


def check_credit(session: Session, customer: Customer, order_value: Decimal) -> None:
    """Refuse with CREDIT_LIMIT when open orders plus ``order_value`` exceed the limit."""
    exposure = open_order_value(session, customer.customer_no) + order_value
    if exposure > customer.credit_limit:
        raise SoapFault(
            f"credit limit {customer.credit_limit} {customer.currency} of customer "
            f"{customer.customer_no} exceeded: open orders plus this order come to {exposure}",
            code="CREDIT_LIMIT",
            field="CustomerNo",
        )


@dataclass(frozen=True)
class InvoiceTotals:
    """Net, tax and gross of an invoice; gross is exactly net plus tax."""

    net: Decimal
    tax_rate: Decimal
    tax: Decimal
    gross: Decimal


def invoice_totals(line_values: Iterable[Decimal], rate: Decimal) -> InvoiceTotals:
    """Totals from already rounded line values; tax is computed once on the net sum."""
    net = sum(line_values, Decimal("0.00"))
    tax = money(net * rate / 100)
    return InvoiceTotals(net=net, tax_rate=rate, tax=tax, gross=net + tax)


def gtin_ok(gtin: str) -> bool:
    """Whether ``gtin`` is 8, 12, 13 or 14 digits with a valid GS1 check digit."""
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        return False
    body, check = gtin[:-1], int(gtin[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check
