"""Field checks shared by the procurement rules; each failure names its field."""

from __future__ import annotations

import re
from decimal import Decimal

from reference.erp.soap.faults import SoapFault

_CURRENCY = re.compile(r"[A-Z]{3}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_UOM = re.compile(r"[A-Z0-9]{1,3}")


def currency(value: str, field: str = "Currency") -> str:
    """An ISO 4217 style code."""
    if not _CURRENCY.fullmatch(value):
        raise SoapFault.validation(field, f"{value!r} is not a 3-letter currency key")
    return value


def country(value: str, field: str = "CountryKey") -> str:
    """A two-letter country key."""
    if not _COUNTRY.fullmatch(value):
        raise SoapFault.validation(field, f"{value!r} is not a 2-letter country key")
    return value


def uom(value: str, field: str = "Unit") -> str:
    """A native unit of measure code (ST, KG, ...)."""
    if not _UOM.fullmatch(value):
        raise SoapFault.validation(field, f"{value!r} is not a unit of measure")
    return value


def positive(value: Decimal, field: str) -> Decimal:
    """A quantity or amount above zero."""
    if value <= 0:
        raise SoapFault.validation(field, "must be greater than zero")
    return value


def not_negative(value: Decimal, field: str) -> Decimal:
    """A quantity, price or percentage of zero or more."""
    if value < 0:
        raise SoapFault.validation(field, "must not be negative")
    return value


def scale(value: Decimal, places: int, field: str) -> Decimal:
    """At most ``places`` decimal places."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise SoapFault.validation(field, f"has more than {places} decimal places")
    return value


def in_field(fault: SoapFault, prefix: str) -> SoapFault:
    """The same fault with its field placed under ``prefix`` (e.g. ``Item[20]``)."""
    inner = fault.field or ""
    field = f"{prefix}/{inner}" if inner else prefix
    message = fault.faultstring
    if inner and message.startswith(f"{inner}:"):
        message = f"{field}:{message[len(inner) + 1 :]}"
    return SoapFault(message, code=fault.code, field=field, faultcode=fault.faultcode)
