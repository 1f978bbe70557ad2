"""The 3-way match of an invoice line against its PO item and goods receipts (pure rules)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reference.erp.procurement.tolerances import Tolerances

MATCHED = "MATCHED"
EXCEPTION = "EXCEPTION"
QTY_OVER_RECEIVED = "QTY_OVER_RECEIVED"
PRICE_VARIANCE = "PRICE_VARIANCE"
NO_RECEIPT = "NO_RECEIPT"
UNKNOWN_LINE = "UNKNOWN_LINE"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineFacts:
    """What the ERP knows about the PO item an invoice line bills (None: no such item)."""

    po_price: Decimal | None
    received_qty: Decimal = Decimal(0)
    previously_invoiced_qty: Decimal = Decimal(0)


def quantity_ok(invoiced: Decimal, facts: LineFacts, tol: Tolerances) -> bool:
    """Whether everything invoiced so far, this line included, stays within receipts."""
    limit = facts.received_qty * (HUNDRED + tol.qty_over_pct) / HUNDRED
    return facts.previously_invoiced_qty + invoiced <= limit


def price_ok(invoiced: Decimal, unit_price: Decimal, po_price: Decimal, tol: Tolerances) -> bool:
    """Whether the unit price stays within every configured limit, either direction.

    ``price_pct`` bounds the unit-price difference relative to the PO price; ``price_abs``
    bounds the line's amount difference (quantity times unit-price difference).
    """
    diff = abs(unit_price - po_price)
    if tol.price_pct is not None and diff > po_price * tol.price_pct / HUNDRED:
        return False
    return not (tol.price_abs is not None and diff * invoiced > tol.price_abs)


def match_line(
    invoiced: Decimal, unit_price: Decimal, facts: LineFacts | None, tol: Tolerances
) -> list[str]:
    """Reason codes for one invoice line; an empty list means the line matched."""
    if facts is None or facts.po_price is None:
        return [UNKNOWN_LINE]
    reasons: list[str] = []
    if facts.received_qty <= 0:
        reasons.append(NO_RECEIPT)
    elif not quantity_ok(invoiced, facts, tol):
        reasons.append(QTY_OVER_RECEIVED)
    if not price_ok(invoiced, unit_price, facts.po_price, tol):
        reasons.append(PRICE_VARIANCE)
    return reasons


def invoice_status(line_reasons: list[list[str]]) -> str:
    """MATCHED when every line matched, EXCEPTION otherwise."""
    return EXCEPTION if any(line_reasons) else MATCHED
