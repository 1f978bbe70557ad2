"""Priced documents (ORDERS, ORDRSP, INVOIC): lines, allowances, tax, terms and totals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from canonical.pricing import (
    DocumentAllowanceCharge,
    DocumentTotals,
    LineAllowanceCharge,
    PricedLine,
    TaxSubtotal,
    compute_tax_subtotals,
    compute_totals,
)
from canonical.types import Incoterms, Money, PaymentTerms, Quantity
from connectors.edi.core.errors import Code
from connectors.edi.core.model import Segment
from connectors.edi.edifact.translate.common import (
    PartnerOptions,
    build,
    chunks,
    every,
    fail,
    first,
    number,
    require,
    to_decimal,
)
from connectors.edi.edifact.writer import OutElement, OutSegment

# Summary MOA qualifiers (5025) for document totals.
TOTAL_QUALIFIERS = {
    "lines_total": "79",
    "allowances_total": "260",
    "charges_total": "259",
    "tax_exclusive": "125",
    "tax_total": "176",
    "tax_inclusive": "77",
    "prepaid": "113",
    "payable": "9",
}


# --- writing ------------------------------------------------------------------------


def line_head(
    line: PricedLine,
    qty_qualifier: str,
    options: PartnerOptions,
    *,
    supplier_sku: str | None = None,
    action: str | None = None,
) -> list[OutSegment]:
    """LIN, PIA, IMD and QTY of one priced line."""
    out: list[OutSegment] = [
        ("LIN", [str(line.line_no), action, [line.gtin, "SRV"] if line.gtin else None])
    ]
    if line.sku:
        out.append(("PIA", ["1", [options.item_for(line.sku), "SA"]]))
    if supplier_sku:
        out.append(("PIA", ["1", [supplier_sku, "IN"]]))
    if line.description:
        pieces = chunks(line.description, 35)
        for i in range(0, len(pieces), 2):
            out.append(("IMD", ["F", None, [None, None, None, *pieces[i : i + 2]]]))
    uom = options.unit_out(line.quantity.uom)
    out.append(("QTY", [[qty_qualifier, number(line.quantity.value, options), uom]]))
    return out


def line_price(line: PricedLine, options: PartnerOptions) -> list[OutSegment]:
    """MOA 203 (line amount) and PRI (AAA net, or AAB gross when allowances follow)."""
    qualifier = "AAB" if line.allowance_charges else "AAA"
    price: list[OutElement] = [
        [
            qualifier,
            number(line.unit_price.amount, options),
            None,
            None,
            number(line.base_quantity, options),
            options.unit_out(line.quantity.uom),
        ]
    ]
    return [("MOA", [["203", number(line.line_total.amount, options)]]), ("PRI", price)]


def line_tax_and_allowances(line: PricedLine, options: PartnerOptions) -> list[OutSegment]:
    """TAX group then ALC groups of a line."""
    out = [tax_segment(line.tax_category, line.tax_rate, options)]
    for item in line.allowance_charges:
        out.extend(allowance_segments(item, options))
    return out


def tax_segment(category: str, rate: Decimal, options: PartnerOptions) -> OutSegment:
    """TAX+7+VAT+++:::rate+category."""
    return ("TAX", ["7", ["VAT"], None, None, [None, None, None, number(rate, options)], category])


def allowance_segments(item: LineAllowanceCharge, options: PartnerOptions) -> list[OutSegment]:
    """ALC (+ MOA, and TAX for a document-level one)."""
    alc: list[OutElement] = [
        "C" if item.charge else "A",
        [item.reason_code, None] if item.reason_code else None,
        None,
        None,
        [None, None, None, *chunks(item.reason, 35)[:2]] if item.reason else None,
    ]
    out: list[OutSegment] = [
        ("ALC", alc),
        ("MOA", [["23" if item.charge else "204", number(item.amount.amount, options)]]),
    ]
    if isinstance(item, DocumentAllowanceCharge):
        out.append(tax_segment(item.tax_category, item.tax_rate, options))
    return out


def terms_segments(
    payment_terms: PaymentTerms | None, incoterms: Incoterms | None, options: PartnerOptions
) -> tuple[list[OutSegment], list[OutSegment]]:
    """(PAT groups, TOD group) for the header."""
    pat: list[OutSegment] = []
    if payment_terms is not None:
        text = chunks(payment_terms.description, 35)[:2] if payment_terms.description else []
        pat.append(
            (
                "PAT",
                [
                    "1",
                    [payment_terms.code, None, None, *text],
                    ["5", "3", "D", str(payment_terms.net_days)],
                ],
            )
        )
        if payment_terms.discount_percent is not None:
            days = payment_terms.discount_days
            pat.append(("PAT", ["22", None, ["5", "3", "D", None if days is None else str(days)]]))
            pat.append(("PCD", [["12", number(payment_terms.discount_percent, options)]]))
    tod: list[OutSegment] = []
    if incoterms is not None:
        tod.append(("TOD", ["6", None, [incoterms.code, None, None, incoterms.place]]))
    return pat, tod


def summary_segments(
    totals: DocumentTotals, line_count: int, options: PartnerOptions, *, cnt_first: bool = False
) -> list[OutSegment]:
    """UNS+S, the total MOAs and CNT+2 (number of lines; INVOIC puts CNT first)."""
    moas: list[OutSegment] = []
    for name, qualifier in TOTAL_QUALIFIERS.items():
        money = getattr(totals, name)
        if money is not None:
            moas.append(("MOA", [[qualifier, number(money.amount, options)]]))
    cnt: OutSegment = ("CNT", [["2", str(line_count)]])
    return [("UNS", ["S"]), cnt, *moas] if cnt_first else [("UNS", ["S"]), *moas, cnt]


# --- reading ------------------------------------------------------------------------


@dataclass(slots=True)
class LineValues:
    """Fields of a PricedLine read from one LIN group, plus the raw group."""

    values: dict[str, Any]
    segments: list[Segment]
    ids: dict[str, str]  # PIA item numbers by type: SA supplier's, IN buyer's


def read_line(
    group: Sequence[Segment],
    qty_qualifiers: Sequence[str],
    currency: str,
    options: PartnerOptions,
    decimal: str,
) -> LineValues:
    """PricedLine fields from a LIN group (allowances, tax and price included)."""
    lin = group[0]
    line_no_text = lin.get(1)
    if not (line_no_text.isascii() and line_no_text.isdigit()):
        raise fail(f"LIN01 line number {line_no_text[:10]!r} is not a number", lin)
    gtin = lin.get(3, 1) if lin.get(3, 2) in ("SRV", "EN", "") and lin.get(3, 1) else None
    ids: dict[str, str] = {}
    for pia in every(group, "PIA"):
        for index in range(2, 7):
            item, kind = pia.get(index, 1), pia.get(index, 2)
            if item and kind:
                ids.setdefault(kind, item)
    description = "".join("".join(c for c in imd.components(3)[3:5]) for imd in every(group, "IMD"))
    qty = next((q for q in every(group, "QTY") if q.get(1, 1) in qty_qualifiers), None)
    qty = require(qty, f"line {line_no_text}: QTY {'/'.join(qty_qualifiers)}", lin)
    quantity = Quantity(
        value=to_decimal(qty.get(1, 2), qty, decimal), uom=options.unit_in(qty.get(1, 3) or "EA")
    )
    pri = next((p for p in every(group, "PRI") if p.get(1, 1) in ("AAA", "AAB")), None)
    pri = require(pri, f"line {line_no_text}: PRI AAA/AAB", lin)
    base = pri.get(1, 5)
    amount = require(first(group, "MOA", "203"), f"line {line_no_text}: MOA 203", lin)
    tax = require(first(group, "TAX", "7"), f"line {line_no_text}: TAX", lin)
    values: dict[str, Any] = {
        "line_no": int(line_no_text),
        "gtin": gtin,
        "description": description or None,
        "quantity": quantity,
        "unit_price": Money(amount=to_decimal(pri.get(1, 2), pri, decimal), currency=currency),
        "base_quantity": to_decimal(base, pri, decimal) if base else Decimal(1),
        "allowance_charges": tuple(read_allowances(group, currency, decimal, document=False)),
        "tax_category": tax.get(6),
        "tax_rate": to_decimal(tax.get(5, 4) or "0", tax, decimal),
        "line_total": Money(
            amount=to_decimal(amount.get(1, 2), amount, decimal), currency=currency
        ),
    }
    return LineValues(values, list(group), ids)


def read_allowances(
    segments: Sequence[Segment], currency: str, decimal: str, *, document: bool
) -> list[Any]:
    """LineAllowanceCharge / DocumentAllowanceCharge for each ALC in ``segments``."""
    out: list[Any] = []
    for index, seg in enumerate(segments):
        if seg.tag != "ALC":
            continue
        charge = seg.get(1) == "C"
        following = segments[index + 1 : index + 4]
        moa = next((s for s in following if s.tag == "MOA"), None)
        moa = require(moa, "ALC amount (MOA 204/23)", seg)
        reason = "".join(seg.components(5)[3:5]) or None
        values: dict[str, Any] = {
            "charge": charge,
            "amount": Money(amount=to_decimal(moa.get(1, 2), moa, decimal), currency=currency),
            "reason_code": seg.get(2, 1) or None,
            "reason": reason,
        }
        if document:
            tax = require(next((s for s in following if s.tag == "TAX"), None), "ALC TAX", seg)
            values["tax_category"] = tax.get(6)
            values["tax_rate"] = to_decimal(tax.get(5, 4) or "0", tax, decimal)
            out.append(build(DocumentAllowanceCharge, seg, **values))
        else:
            out.append(build(LineAllowanceCharge, seg, **values))
    return out


def read_terms(
    header: Sequence[Segment], decimal: str
) -> tuple[PaymentTerms | None, Incoterms | None]:
    """Payment terms (PAT 1 / PAT 22 + PCD 12) and incoterms (TOD) from the header."""
    terms = None
    basic = first(header, "PAT", "1")
    if basic is not None:
        discount = first(header, "PAT", "22")
        pcd = first(header, "PCD", "12")
        days = basic.get(3, 4)
        disc_days = discount.get(3, 4) if discount is not None else ""
        terms = build(
            PaymentTerms,
            basic,
            code=basic.get(2, 1),
            net_days=int(days) if days.isascii() and days.isdigit() else -1,
            description="".join(basic.components(2)[3:5]) or None,
            discount_percent=to_decimal(pcd.get(1, 2), pcd, decimal) if pcd else None,
            discount_days=int(disc_days) if disc_days.isascii() and disc_days.isdigit() else None,
        )
    incoterms = None
    tod = first(header, "TOD")
    if tod is not None:
        incoterms = build(Incoterms, tod, code=tod.get(3, 1), place=tod.get(3, 4) or None)
    return terms, incoterms  # type: ignore[return-value]


def header_allowances(header: Sequence[Segment], currency: str, decimal: str) -> list[Any]:
    """Document-level allowances and charges (ALC groups in the header)."""
    return read_allowances(header, currency, decimal, document=True)


def amounts(
    lines: Sequence[PricedLine],
    allowances: Sequence[DocumentAllowanceCharge],
    summary: Sequence[Segment],
    currency: str,
    decimal: str,
) -> tuple[tuple[TaxSubtotal, ...], DocumentTotals]:
    """Tax subtotals and totals computed from lines; declared summary MOAs must agree."""
    subtotals = compute_tax_subtotals(lines, allowances, currency)
    prepaid_seg = first(summary, "MOA", TOTAL_QUALIFIERS["prepaid"])
    prepaid = to_decimal(prepaid_seg.get(1, 2), prepaid_seg, decimal) if prepaid_seg else None
    totals = compute_totals(lines, allowances, subtotals, currency, prepaid)
    for name, qualifier in TOTAL_QUALIFIERS.items():
        declared = first(summary, "MOA", qualifier)
        money = getattr(totals, name)
        if declared is None or money is None:
            continue
        value = to_decimal(declared.get(1, 2), declared, decimal)
        if value != money.amount:
            raise fail(
                f"summary MOA {qualifier} ({name}) is {value}, the lines add up to {money.amount}",
                declared,
                Code.ELEMENT_BAD_CODE,
            )
    return subtotals, totals
