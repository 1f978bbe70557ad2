"""EDIFACT D.96A <-> canonical: each document both ways, identity through the text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from canonical.pricing import compute_line_total, compute_tax_subtotals, compute_totals
from canonical.types import Money
from connectors.edi import EdiValidationError
from connectors.edi.core.model import Transaction
from connectors.edi.edifact import ServiceChars, parse_interchanges, validate_interchange
from connectors.edi.edifact import samples as s
from connectors.edi.edifact.translate import (
    PartnerOptions,
    apply_ordrsp,
    desadv_to_shipment,
    invoic_to_invoice,
    invoice_to_invoic,
    invrpt_to_stock,
    order_to_orders,
    orders_to_order,
    orders_to_purchase_order,
    purchase_order_to_orders,
    purchase_order_to_ordrsp,
    shipment_to_desadv,
    stock_to_invrpt,
)

FIXTURES = Path(__file__).parent / "fixtures" / "edifact"
ODD = ServiceChars(component="|", element="*", decimal=",", release="#", terminator="~")


def through_text(
    kind: str, body: list, chars: ServiceChars = ServiceChars()
) -> tuple[Transaction, str]:  # type: ignore[type-arg]
    """Write one message, read it back, and insist it validates cleanly."""
    text = s.interchange_text([("1", kind, body)], chars=chars)
    [interchange] = parse_interchanges(text)
    [result] = validate_interchange(interchange)
    assert result.errors == [], [e.to_dict() for e in result.errors]
    return result.message, interchange.separators.decimal


@pytest.mark.parametrize("chars", [ServiceChars(), ODD], ids=["default", "unusual"])
def test_order_identity(chars: ServiceChars) -> None:
    order = s.sample_order()
    options = PartnerOptions(chars=chars)
    message, decimal = through_text("ORDERS", order_to_orders(order, options), chars)
    assert orders_to_order(message, options, decimal) == order


def test_purchase_order_identity_and_item_numbers() -> None:
    po = s.sample_purchase_order()
    message, _ = through_text("ORDERS", purchase_order_to_orders(po))
    assert orders_to_purchase_order(message) == po
    first_line = [seg for seg in message.segments if seg.tag == "PIA"][:2]
    assert [(p.get(2, 1), p.get(2, 2)) for p in first_line] == [("SUP-1", "SA"), ("SKU-0001", "IN")]


def test_inbound_orders_maps_partner_items_and_units() -> None:
    order = s.sample_order()
    options = PartnerOptions(
        partner="acme", sku_to_item={"SKU-0001": "ACME-77"}, unit_to_partner={"EA": "PCE"}
    )
    message, _ = through_text("ORDERS", order_to_orders(order, options))
    pia = next(seg for seg in message.segments if seg.tag == "PIA")
    qty = next(seg for seg in message.segments if seg.tag == "QTY")
    assert pia.get(2, 1) == "ACME-77"
    assert qty.get(1, 3) == "PCE"
    assert orders_to_order(message, options) == order


def test_ordrsp_confirmations_apply_to_the_purchase_order() -> None:
    confirmed = s.sample_purchase_order(confirmed=True)
    message, _ = through_text("ORDRSP", purchase_order_to_ordrsp(confirmed, response_number="R1"))
    result = apply_ordrsp(s.sample_purchase_order(), message)
    assert result.status == "acknowledged"
    assert result.lines == confirmed.lines
    assert [x.confirmation.status for x in result.lines] == ["accepted", "changed", "backordered"]  # type: ignore[union-attr]


def test_ordrsp_for_another_order_is_refused() -> None:
    message, _ = through_text(
        "ORDRSP", purchase_order_to_ordrsp(s.sample_purchase_order(confirmed=True))
    )
    other = s.sample_purchase_order("PO-OTHER")
    with pytest.raises(EdiValidationError, match="answers order 'PO-2001'"):
        apply_ordrsp(other, message)


def test_shipment_identity_with_cps_hierarchy_and_sscc() -> None:
    shipment = s.sample_shipment()
    message, _ = through_text("DESADV", shipment_to_desadv(shipment))
    gins = [seg.get(2, 1) for seg in message.segments if seg.tag == "GIN" and seg.get(1) == "BJ"]
    assert gins == [p.sscc for p in shipment.packages]
    cps = [seg.elements for seg in message.segments if seg.tag == "CPS"]
    assert cps == [("1",), ("2", "1"), ("3", "1")]
    assert desadv_to_shipment(message) == shipment


@pytest.mark.parametrize("chars", [ServiceChars(), ODD], ids=["default", "unusual"])
def test_invoice_identity(chars: ServiceChars) -> None:
    invoice = s.sample_invoice()
    options = PartnerOptions(chars=chars)
    message, decimal = through_text("INVOIC", invoice_to_invoic(invoice, options), chars)
    assert invoic_to_invoice(message, options, decimal) == invoice


def test_credit_note_keeps_its_type() -> None:
    note = s.sample_invoice().model_copy(update={"invoice_type": "credit_note"})
    message, _ = through_text("INVOIC", invoice_to_invoic(note))
    assert message.segments[0].get(1) == "381"
    assert invoic_to_invoice(message).invoice_type == "credit_note"


def test_stock_identity() -> None:
    levels = s.sample_stock()
    message, _ = through_text("INVRPT", stock_to_invrpt(levels, "STK-1"))
    assert invrpt_to_stock(message) == levels


def test_stock_with_incoming_is_refused_rather_than_dropped() -> None:
    level = s.sample_stock()[0].model_copy(update={"incoming": Decimal(5)})
    with pytest.raises(EdiValidationError, match="incoming"):
        stock_to_invrpt([level], "STK-2")


def test_fixture_documents_translate() -> None:
    def message(name: str) -> Transaction:
        return parse_interchanges((FIXTURES / name).read_text())[0].transactions[0]

    assert orders_to_order(message("orders_d96a.edi")).channel == "edi"
    assert (
        desadv_to_shipment(message("desadv_d96a.edi")).packages[1].lines[0].serials[-1] == "SN006"
    )
    assert invoic_to_invoice(message("invoic_d96a.edi")).totals.payable.amount == Decimal("114.80")
    assert len(invrpt_to_stock(message("invrpt_d96a.edi"))) == 3
    release = orders_to_order(message("valid_release_chars.edi"))
    assert release.notes == ("Rock'n'roll + blues: 50% off? yes",)
    unusual = parse_interchanges((FIXTURES / "valid_unusual_una.edi").read_text())[0]
    assert orders_to_order(unusual.transactions[0], decimal=",") == s.sample_order()


def test_declared_totals_that_do_not_add_up_are_refused() -> None:
    text = (FIXTURES / "orders_d96a.edi").read_text().replace("MOA+9:114.8'", "MOA+9:999.99'")
    message = parse_interchanges(text)[0].transactions[0]
    with pytest.raises(EdiValidationError, match="MOA 9"):
        orders_to_order(message)


def test_order_without_buyer_is_refused() -> None:
    body = [
        seg
        for seg in order_to_orders(s.sample_order())
        if not (seg[0] == "NAD" and seg[1][0] == "BY")
    ]
    text = s.interchange_text([("1", "ORDERS", body)])
    with pytest.raises(EdiValidationError, match="NAD\\+BY"):
        orders_to_order(parse_interchanges(text)[0].transactions[0])


@given(
    quantities=st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=6),
    cents=st.integers(min_value=0, max_value=999_999),
    rate=st.sampled_from([Decimal(0), Decimal(7), Decimal("19"), Decimal("20.5")]),
    note=st.text(min_size=1, max_size=300).filter(lambda t: t.strip() == t and t),
)
@settings(max_examples=40, deadline=None)
def test_order_identity_property(
    quantities: list[int], cents: int, rate: Decimal, note: str
) -> None:
    base = s.sample_order()
    price = Money(amount=Decimal(cents).scaleb(-2), currency="EUR")
    lines = []
    for n, qty in enumerate(quantities, 1):
        total = compute_line_total(Decimal(qty), price.amount, Decimal(1), (), "EUR")
        lines.append(
            base.lines[0].model_copy(
                update={
                    "line_no": n,
                    "quantity": base.lines[0].quantity.model_copy(update={"value": Decimal(qty)}),
                    "unit_price": price,
                    "tax_rate": rate,
                    "line_total": Money(amount=total, currency="EUR"),
                    "requested_date": date(2024, 1, n),
                }
            )
        )
    subtotals = compute_tax_subtotals(lines, (), "EUR")
    order = base.model_copy(
        update={
            "lines": tuple(lines),
            "allowance_charges": (),
            "tax_subtotals": subtotals,
            "totals": compute_totals(lines, (), subtotals, "EUR"),
            "notes": (note,),
        }
    )
    text = s.interchange_text([("1", "ORDERS", order_to_orders(order))])
    assert orders_to_order(parse_interchanges(text)[0].transactions[0]) == order
