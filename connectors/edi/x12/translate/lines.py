"""Priced lines, allowances/charges, taxes and terms shared by 850, 855 and 810."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

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
from canonical.types import Incoterms, Money, PaymentTerms
from connectors.edi.core.model import Segment
from connectors.edi.x12.translate.common import (
    PartnerOptions,
    SegmentData,
    TranslationError,
    dec,
    n2,
    num,
    parse_n2,
)

TAX_TYPE = "VA"  # TXI01: value added tax; the canonical category travels in TXI05


def write_ac(ac: LineAllowanceCharge) -> SegmentData:
    """SAC for an allowance/charge; reason code in SAC02 (4 chars) or SAC13 (with ZZZZ).

    A document-level one carries its tax in SAC14 as category then rate ("S19", "Z0").
    """
    code = ac.reason_code or ""
    sac02, sac13 = (code, "") if len(code) == 4 and code.isalnum() else ("ZZZZ", code)
    tax = ""
    if isinstance(ac, DocumentAllowanceCharge):
        tax = f"{ac.tax_category}{num(ac.tax_rate)}"  # e.g. "S19": category then rate
    elements = ["C" if ac.charge else "A", sac02, "", "", n2(ac.amount.amount)]
    elements += ["", "", "", "", "", "", "", sac13, tax, (ac.reason or "")[:80]]
    return ("SAC", elements)


def read_ac(seg: Segment, currency: str, document: bool) -> dict[str, Any]:
    """Allowance/charge fields from a SAC (document-level ones carry their tax)."""
    flag = seg.get(1)
    if flag not in ("A", "C"):
        raise TranslationError(f"SAC01 {flag!r} must be A or C", seg, 1)
    code = seg.get(2)
    reason_code = (seg.get(13) or None) if code == "ZZZZ" else (code or None)
    out: dict[str, Any] = {
        "charge": flag == "C",
        "amount": Money(amount=parse_n2(seg.get(5) or "0", seg, 5), currency=currency),
        "reason_code": reason_code,
        "reason": seg.get(15) or None,
    }
    if document:
        tax = seg.get(14)
        cat = tax.rstrip("0123456789.")
        if not cat or cat == tax:
            raise TranslationError("document SAC needs its tax as e.g. 'S19' in SAC14", seg, 14)
        out["tax_category"] = cat
        out["tax_rate"] = dec(tax[len(cat) :], seg, 14)
    return out


def write_line_tax(line: PricedLine) -> SegmentData:
    """TXI for a line's tax category and rate."""
    return ("TXI", [TAX_TYPE, "", num(line.tax_rate), "VD", line.tax_category])


def write_subtotal(sub: TaxSubtotal) -> SegmentData:
    """TXI for a document tax subtotal: tax amount, rate, category and taxable basis."""
    return (
        "TXI",
        [
            TAX_TYPE,
            num(sub.tax_amount.amount),
            num(sub.tax_rate),
            "VD",
            sub.tax_category,
            "",
            "",
            num(sub.taxable_amount.amount),
        ],
    )


def read_line_tax(segs: Sequence[Segment], anchor: Segment) -> tuple[str, Decimal]:
    """(category, rate) from the line's TXI."""
    for seg in segs:
        if seg.tag == "TXI" and seg.get(4) == "VD" and seg.get(5):
            return seg.get(5), dec(seg.get(3) or "0", seg, 3)
    raise TranslationError("line has no TXI with its tax category (TXI04=VD, TXI05)", anchor)


def write_terms(terms: PaymentTerms) -> SegmentData:
    """ITD: net days, optional discount, the terms code in ITD12."""
    return (
        "ITD",
        [
            "01",
            "3",
            num(terms.discount_percent) if terms.discount_percent is not None else "",
            "",
            str(terms.discount_days) if terms.discount_days is not None else "",
            "",
            str(terms.net_days),
            "",
            "",
            "",
            "",
            terms.code,
        ],
    )


def read_terms(seg: Segment) -> PaymentTerms:
    """PaymentTerms from an ITD."""
    net = seg.get(7)
    disc = seg.get(3)
    ddays = seg.get(5)
    return PaymentTerms(
        code=seg.get(12) or f"X12-{seg.get(1) or '01'}",
        net_days=int(net) if net.isdigit() else 0,
        discount_percent=dec(disc, seg, 3) if disc else None,
        discount_days=int(ddays) if ddays.isdigit() else None,
    )


def write_incoterms(inc: Incoterms) -> SegmentData:
    """FOB with the Incoterms rule (FOB04=01, FOB05) and named place (FOB07)."""
    place = (inc.place or "")[:80]
    return ("FOB", ["DF", "", "", "01", inc.code, "ZZ" if place else "", place])


def read_incoterms(seg: Segment) -> Incoterms | None:
    """Incoterms from a FOB (None when it carries no rule)."""
    if seg.get(4) != "01" or not seg.get(5):
        return None
    return Incoterms(code=seg.get(5), place=seg.get(7) or None)


def write_price_basis(line: PricedLine, options: PartnerOptions) -> list[SegmentData]:
    """CTP carrying the base quantity when the price is not per one unit."""
    if line.base_quantity == 1:
        return []
    unit = options.unit_out(line.quantity.uom)
    return [("CTP", ["", "BAS", num(line.unit_price.amount), num(line.base_quantity), (unit,)])]


def read_base_quantity(segs: Sequence[Segment]) -> Decimal:
    """Base quantity from a CTP*BAS (1 when absent)."""
    for seg in segs:
        if seg.tag == "CTP" and seg.get(2) == "BAS" and seg.get(4):
            base = dec(seg.get(4), seg, 4)
            if base <= 0:
                raise TranslationError("CTP04 base quantity must be more than zero", seg, 4)
            return base
    return Decimal(1)


def line_total(
    quantity: Decimal,
    price: Decimal,
    base: Decimal,
    acs: Sequence[LineAllowanceCharge],
    currency: str,
) -> Money:
    """Line total per the canonical arithmetic."""
    return Money(amount=compute_line_total(quantity, price, base, acs, currency), currency=currency)


def document_amounts(
    lines: Sequence[PricedLine],
    acs: Sequence[DocumentAllowanceCharge],
    currency: str,
    declared_payable: Decimal | None,
    anchor: Segment | None,
) -> tuple[tuple[TaxSubtotal, ...], DocumentTotals]:
    """Tax subtotals and totals computed from the lines; the partner's total must agree."""
    subtotals = compute_tax_subtotals(lines, acs, currency)
    totals = compute_totals(lines, acs, subtotals, currency)
    if declared_payable is not None and declared_payable != totals.payable.amount:
        raise TranslationError(
            f"document total {declared_payable} does not match the lines ({totals.payable.amount})",
            anchor,
        )
    return subtotals, totals
