"""Configured tolerances for over-delivery on receipt and for invoice verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from reference.erp.procurement import checks
from reference.erp.procurement.models import Tolerance
from reference.erp.soap.faults import SoapFault

KEY = "DEFAULT"


@dataclass(frozen=True)
class Tolerances:
    """Percentages are of the ordered quantity or PO price; ``price_abs`` is per line."""

    over_delivery_pct: Decimal = Decimal(5)
    qty_over_pct: Decimal = Decimal(0)
    price_pct: Decimal | None = Decimal(2)
    price_abs: Decimal | None = None

    def validate(self) -> Tolerances:
        """Refuse negative or absurd values, naming the field."""
        checks.not_negative(self.over_delivery_pct, "OverDeliveryPct")
        checks.not_negative(self.qty_over_pct, "QtyOverPct")
        for field, value in (("PricePct", self.price_pct), ("PriceAbs", self.price_abs)):
            if value is not None:
                checks.not_negative(value, field)
        for field, value in (
            ("OverDeliveryPct", self.over_delivery_pct),
            ("QtyOverPct", self.qty_over_pct),
            ("PricePct", self.price_pct),
        ):
            if value is not None and value > 100:
                raise SoapFault.validation(field, "must not exceed 100 percent")
        return self


def current(session: Session) -> Tolerances:
    """The tolerances in force (the defaults until someone sets them)."""
    row = session.get(Tolerance, KEY)
    if row is None:
        return Tolerances()
    return Tolerances(row.over_delivery_pct, row.qty_over_pct, row.price_pct, row.price_abs)


def stored(session: Session) -> Tolerance | None:
    """The stored row, for its audit fields."""
    return session.get(Tolerance, KEY)


def set_tolerances(session: Session, values: Tolerances, user: str, now: datetime) -> Tolerance:
    """Replace the tolerances in force."""
    values.validate()
    row = session.get(Tolerance, KEY)
    if row is None:
        row = Tolerance(key=KEY)
        session.add(row)
    row.over_delivery_pct = values.over_delivery_pct
    row.qty_over_pct = values.qty_over_pct
    row.price_pct = values.price_pct
    row.price_abs = values.price_abs
    row.changed_by = user
    row.changed_at = now
    session.flush()
    return row
