"""X12 <-> canonical translation: inbound fixtures and canonical -> X12 -> canonical identity."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from conftest import invoice, purchase_order, shipment, stock_levels
from hypothesis import given, settings
from hypothesis import strategies as st

from canonical.purchase_order import PurchaseOrder
from connectors.edi import EdiError, parse_file
from connectors.edi.core.model import Transaction
from connectors.edi.core.spec import validate
from connectors.edi.x12.translate import (
    PartnerOptions,
    TranslationError,
    apply_ack,
    invoice_to_810,
    purchase_order_to_850,
    purchase_order_to_855,
    shipment_to_856,
    stock_to_846,
    translate_file,
    x12_810_to_invoice,
    x12_846_to_stock,
    x12_850_to_order,
    x12_850_to_purchase_order,
    x12_855_to_ack,
    x12_856_to_shipment,
)
from connectors.edi.x12.writer import OutboundGroup, OutboundTransaction, generate_interchange

WHEN = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)


def through_x12(tx_type: str, body: list) -> Transaction:  # type: ignore[type-arg]
    """Write a body in an interchange, read it back, check it validates."""
    text = generate_interchange(
        [OutboundGroup("1", [OutboundTransaction(tx_type, "0001", body)])],
        sender_qualifier="ZZ",
        sender="US",
        receiver_qualifier="ZZ",
        receiver="THEM",
        control_number="1",
        when=WHEN,
    )
    (ic,) = parse_file(text)
    (tx,) = ic.transactions
    assert tx.errors == []
    assert validate(tx, "x12") == []
    return tx


def test_purchase_order_round_trips_through_850() -> None:
    po = purchase_order()
    assert x12_850_to_purchase_order(through_x12("850", purchase_order_to_850(po))) == po


def test_inbound_850_becomes_an_edi_order(x12_fixture) -> None:
    tx = parse_file(x12_fixture("850.edi"))[0].transactions[0]
    order = x12_850_to_order(tx, PartnerOptions(item_to_sku={"SKU-2": "OUR-2"}))
    assert order.channel == "edi"
    assert order.status == "pending"
    assert order.order_number == "PO-1001"
    assert order.customer.external_refs[0].id == "BUYER-1"
    assert order.ship_to is not None
    assert order.ship_to.address is not None
    assert order.ship_to.address.city == "Hamburg"
    # we sell: the vendor part number is our sku; unmapped lines use the buyer's map
    assert [line.sku for line in order.lines] == ["P-77", "OUR-2"]
    assert order.lines[1].quantity.uom == "KGM"
    assert order.totals.payable.amount == Decimal("35.71")
    assert order.incoterms is not None
    assert order.incoterms.code == "DAP"


def test_855_confirmations_apply_to_our_purchase_order() -> None:
    po = purchase_order()
    confirmations = [
        {
            "status": "changed",
            "quantity": "1",
            "delivery_date": "2024-05-22",
            "note": "Only one left",
            "unit_price": {"amount": "12.00", "currency": "EUR"},
        },
        {"status": "backordered"},
    ]
    lines = [
        {**line.model_dump(), "confirmation": c}
        for line, c in zip(po.lines, confirmations, strict=True)
    ]
    confirmed = PurchaseOrder.model_validate(
        {**po.model_dump(), "status": "acknowledged", "lines": lines}
    )
    tx = through_x12("855", purchase_order_to_855(confirmed, date(2024, 5, 7)))
    ack = x12_855_to_ack(tx)
    assert ack.ack_type == "AC"
    assert ack.ack_date == date(2024, 5, 7)
    assert apply_ack(po, ack) == confirmed


def test_855_for_another_po_is_refused(x12_fixture) -> None:
    ack = x12_855_to_ack(parse_file(x12_fixture("855.edi"))[0].transactions[0])
    with pytest.raises(TranslationError, match="not PO-9"):
        apply_ack(purchase_order(po_number="PO-9"), ack)


def test_shipment_round_trips_through_856_with_sscc_hierarchy() -> None:
    ship = shipment()
    tx = through_x12("856", shipment_to_856(ship, WHEN))
    levels = [s.get(3) for s in tx.find("HL")]
    assert levels == ["S", "O", "P", "I", "P", "I"]
    assert [s.get(2) for s in tx.find("MAN")] == [p.sscc for p in ship.packages]
    assert x12_856_to_shipment(tx) == ship


def test_856_item_outside_a_pack_is_a_translation_error(x12_fixture) -> None:
    text = x12_fixture("856.edi").decode().replace("HL*4*3*I", "HL*4*2*I")
    tx = parse_file(text)[0].transactions[0]
    with pytest.raises(TranslationError, match="pack"):
        x12_856_to_shipment(tx)


def test_invoice_and_credit_note_round_trip_through_810() -> None:
    for inv in (invoice(), invoice(invoice_type="credit_note", notes=("x" * 200,))):
        assert x12_810_to_invoice(through_x12("810", invoice_to_810(inv))) == inv


def test_810_total_that_does_not_add_up_is_refused(x12_fixture) -> None:
    text = x12_fixture("810.edi").decode().replace("TDS*3571", "TDS*3570")
    with pytest.raises(TranslationError, match="does not match"):
        x12_810_to_invoice(parse_file(text)[0].transactions[0])


def test_stock_levels_round_trip_through_846() -> None:
    levels = stock_levels()
    tx = through_x12("846", stock_to_846(levels, "R1", WHEN))
    assert x12_846_to_stock(tx) == levels


def test_translate_file_keeps_per_transaction_errors(x12_fixture) -> None:
    data = x12_fixture("multi_interchange.edi")
    good = translate_file(data, PartnerOptions(item_to_sku={"SKU-2": "OUR-2"}))
    assert [(r.type, r.error) for r in good] == [("850", None), ("810", None)]
    # without the item map the 850's second line names no product of ours
    unmapped = translate_file(data)[0].error
    assert unmapped is not None
    assert "sku or a gtin" in unmapped.message
    assert good[1].to_dict()["record"]["invoice_number"] == "INV-1"
    bad = translate_file(x12_fixture("bad_amount.edi"))
    assert bad[0].record is None
    assert isinstance(bad[0].error, EdiError)


# TXI08 (taxable basis) holds 9 digits: keep totals under 10 million
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
quantities = st.integers(min_value=1, max_value=10_000).map(Decimal)


@settings(max_examples=30, deadline=None)
@given(
    qty=quantities,
    price=amounts,
    base=st.sampled_from([Decimal(1), Decimal(10), Decimal(100)]),
    number=st.from_regex(r"[A-Z0-9][A-Z0-9-]{0,20}", fullmatch=True),
)
def test_850_identity_for_generated_lines(
    qty: Decimal, price: Decimal, base: Decimal, number: str
) -> None:
    from canonical.pricing import compute_line_total, compute_tax_subtotals, compute_totals

    total = compute_line_total(qty, price, base, (), "USD")
    line = {
        "line_no": 1,
        "sku": "A-1",
        "quantity": {"value": qty, "uom": "EA"},
        "unit_price": {"amount": price, "currency": "USD"},
        "base_quantity": base,
        "tax_category": "S",
        "tax_rate": Decimal("7.5"),
        "line_total": {"amount": total, "currency": "USD"},
    }
    from canonical.purchase_order import PurchaseOrderLine

    lines = [PurchaseOrderLine.model_validate(line)]
    subtotals = compute_tax_subtotals(lines, (), "USD")
    po = PurchaseOrder(
        po_number=number,
        status="sent",
        order_date=date(2024, 1, 31),
        supplier={"gln": "4012345000009"},
        currency="USD",
        lines=tuple(lines),
        tax_subtotals=subtotals,
        totals=compute_totals(lines, (), subtotals, "USD"),
    )
    assert x12_850_to_purchase_order(through_x12("850", purchase_order_to_850(po))) == po


def test_partner_content_errors_are_translation_errors(x12_fixture) -> None:
    text = x12_fixture("850.edi").decode()
    for bad in (
        text.replace("CTP**BAS*4*10*KG", "CTP**BAS*4*0*KG"),
        text.replace("PO1*2*3*KG", "PO1*X*3*KG"),
        text.replace("N4*Berlin**10115*DE", "N4*Berlin**10115*XX"),
    ):
        with pytest.raises(TranslationError) as info:
            x12_850_to_purchase_order(parse_file(bad)[0].transactions[0])
        assert info.value.position is not None
