"""Sample canonical documents and EDIFACT interchanges (fixtures, benchmarks, demos)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from canonical.checks import with_gs1_check_digit
from canonical.invoice import Invoice, InvoiceLine
from canonical.order import Order, OrderLine
from canonical.pricing import (
    DocumentAllowanceCharge,
    LineAllowanceCharge,
    compute_line_total,
    compute_tax_subtotals,
    compute_totals,
)
from canonical.purchase_order import PurchaseOrder, PurchaseOrderLine, SupplierConfirmation
from canonical.shipment import Carrier, Package, Shipment, ShipmentLine
from canonical.stock import StockLevel
from canonical.types import Address, Incoterms, Money, PartyRef, PaymentTerms, Quantity, TaxId
from connectors.edi.edifact.syntax import DEFAULT_CHARS, ServiceChars
from connectors.edi.edifact.writer import (
    InterchangeOut,
    MessageOut,
    OutSegment,
    generate_interchange,
)

BUYER_GLN = with_gs1_check_digit("540123400001")
SUPPLIER_GLN = with_gs1_check_digit("400123400002")
DELIVERY_GLN = with_gs1_check_digit("540123400003")
WAREHOUSE_GLN = with_gs1_check_digit("400123400009")
PREPARED = datetime(2024, 3, 1, 10, 30, tzinfo=UTC)


def gtin(n: int) -> str:
    """A GTIN-13 with a correct check digit."""
    return with_gs1_check_digit(f"400638{n:06d}")


def sscc(n: int) -> str:
    """An SSCC with a correct check digit."""
    return with_gs1_check_digit(f"34012345{n:09d}")


def buyer() -> PartyRef:
    """The buying party (GLN, name, address, VAT number)."""
    return PartyRef(
        gln=BUYER_GLN,
        name="Buyer Retail GmbH",
        tax_ids=(TaxId(scheme="VAT", value="DE123456789"),),
        address=Address(
            role="sold_to",
            lines=("Hauptstrasse 1",),
            city="Berlin",
            postal_code="10115",
            country="DE",
        ),
    )


def supplier() -> PartyRef:
    """The supplying party."""
    return PartyRef(gln=SUPPLIER_GLN, name="Supplier Foods B.V.")


def delivery() -> PartyRef:
    """The delivery point."""
    return PartyRef(
        gln=DELIVERY_GLN,
        address=Address(
            role="ship_to", lines=("Lagerweg 5", "Tor 3"), city="Hamburg", country="DE"
        ),
    )


def _priced(n: int, quantity: str, price: str, allowance: str | None = None) -> dict[str, object]:
    allowances = (
        (
            LineAllowanceCharge(
                charge=False,
                amount=Money(amount=Decimal(allowance), currency="EUR"),
                reason_code="DI",
                reason="Promotion",
            ),
        )
        if allowance
        else ()
    )
    total = compute_line_total(Decimal(quantity), Decimal(price), Decimal(1), allowances, "EUR")
    return {
        "line_no": n,
        "sku": f"SKU-{n:04d}",
        "gtin": gtin(n),
        "description": f"Article {n} in a long description that needs more than thirty-five chars",
        "quantity": Quantity(value=Decimal(quantity), uom="EA"),
        "unit_price": Money(amount=Decimal(price), currency="EUR"),
        "allowance_charges": allowances,
        "tax_category": "S",
        "tax_rate": Decimal("19"),
        "line_total": Money(amount=total, currency="EUR"),
    }


_FREIGHT = DocumentAllowanceCharge(
    charge=True,
    amount=Money(amount=Decimal("12.50"), currency="EUR"),
    reason_code="FC",
    reason="Freight",
    tax_category="S",
    tax_rate=Decimal("19"),
)


def sample_order(number: str = "SO-1001") -> Order:
    """A sales order as a customer sends it by ORDERS."""
    lines = (
        OrderLine(**_priced(1, "10", "2.50"), requested_date=date(2024, 3, 10)),
        OrderLine(**_priced(2, "3", "19.99", allowance="1.00")),
    )
    subtotals = compute_tax_subtotals(lines, (_FREIGHT,), "EUR")
    return Order(
        order_number=number,
        channel="edi",
        status="pending",
        order_date=date(2024, 3, 1),
        requested_delivery_date=date(2024, 3, 12),
        customer=buyer(),
        ship_to=delivery(),
        currency="EUR",
        payment_terms=PaymentTerms(
            code="NET30", net_days=30, discount_percent=Decimal("2"), discount_days=10
        ),
        incoterms=Incoterms(code="DAP", place="Hamburg"),
        lines=lines,
        allowance_charges=(_FREIGHT,),
        tax_subtotals=subtotals,
        totals=compute_totals(lines, (_FREIGHT,), subtotals, "EUR"),
        notes=("Deliver to gate 3, mornings only; call ahead: +49 40 1234.",),
    )


def sample_purchase_order(number: str = "PO-2001", confirmed: bool = False) -> PurchaseOrder:
    """A purchase order we send to a supplier (optionally with its confirmation)."""
    lines = []
    for n, qty, price in ((1, "100", "1.25"), (2, "24", "7.80"), (3, "5", "99.00")):
        values = _priced(n, qty, price)
        confirmation = None
        if confirmed:
            status = ("accepted", "changed", "backordered")[n - 1]
            confirmation = SupplierConfirmation(
                status=status,
                quantity=Decimal(qty) if status == "accepted" else Decimal(int(qty) // 2),
                delivery_date=date(2024, 3, 15),
                confirmed_at=datetime(2024, 3, 2, 8, 0, tzinfo=UTC),
                note="Half now, rest next week" if status == "changed" else None,
            )
        lines.append(
            PurchaseOrderLine(**values, supplier_sku=f"SUP-{n}", confirmation=confirmation)
        )
    subtotals = compute_tax_subtotals(lines, (), "EUR")
    return PurchaseOrder(
        po_number=number,
        status="sent",
        order_date=date(2024, 3, 1),
        requested_delivery_date=date(2024, 3, 14),
        supplier=supplier(),
        buyer=buyer(),
        ship_to=delivery(),
        currency="EUR",
        payment_terms=PaymentTerms(code="NET60", net_days=60, description="60 days net"),
        lines=tuple(lines),
        tax_subtotals=subtotals,
        totals=compute_totals(lines, (), subtotals, "EUR"),
    )


def sample_shipment(number: str = "SH-3001") -> Shipment:
    """A two-pallet shipment with lots, expiry dates and serials."""
    return Shipment(
        shipment_number=number,
        status="shipped",
        purchase_order_refs=("PO-2001",),
        order_refs=("SO-1001",),
        ship_from=supplier(),
        ship_to=delivery(),
        carrier=Carrier(name="Fast Freight", scac="FFRT", service_level="EXPRESS"),
        tracking_number="TRK-998877",
        ship_date=date(2024, 3, 5),
        expected_delivery_date=date(2024, 3, 7),
        packages=(
            Package(
                sscc=sscc(1),
                package_type="201",
                weight=Quantity(value=Decimal("412.5"), uom="KGM"),
                lines=(
                    ShipmentLine(
                        line_no=1,
                        sku="SKU-0001",
                        gtin=gtin(1),
                        quantity=Quantity(value=Decimal(60), uom="EA"),
                        lot="L2403A",
                        expiry=date(2025, 3, 1),
                        order_ref="PO-2001",
                        order_line_no=1,
                    ),
                    ShipmentLine(
                        line_no=2,
                        sku="SKU-0002",
                        gtin=gtin(2),
                        quantity=Quantity(value=Decimal(24), uom="EA"),
                        order_ref="PO-2001",
                        order_line_no=2,
                    ),
                ),
            ),
            Package(
                sscc=sscc(2),
                package_type="CT",
                lines=(
                    ShipmentLine(
                        line_no=3,
                        sku="SKU-0001",
                        gtin=gtin(1),
                        quantity=Quantity(value=Decimal(40), uom="EA"),
                        lot="L2403B",
                        serials=tuple(f"SN{i:03d}" for i in range(7)),
                    ),
                ),
            ),
        ),
    )


def sample_invoice(number: str = "INV-4001") -> Invoice:
    """An invoice with a line allowance and a freight charge."""
    lines = (
        InvoiceLine(**_priced(1, "10", "2.50"), order_ref="PO-2001", order_line_no=1),
        InvoiceLine(
            **_priced(2, "3", "19.99", allowance="1.00"), order_ref="PO-2001", order_line_no=2
        ),
    )
    subtotals = compute_tax_subtotals(lines, (_FREIGHT,), "EUR")
    return Invoice(
        invoice_number=number,
        issue_date=date(2024, 3, 6),
        due_date=date(2024, 4, 5),
        purchase_order_refs=("PO-2001",),
        seller=supplier(),
        buyer=buyer(),
        currency="EUR",
        payment_terms=PaymentTerms(code="NET30", net_days=30),
        lines=lines,
        allowance_charges=(_FREIGHT,),
        tax_subtotals=subtotals,
        totals=compute_totals(lines, (_FREIGHT,), subtotals, "EUR"),
    )


def sample_stock() -> list[StockLevel]:
    """Stock snapshots of two products in one warehouse."""
    as_of = datetime(2024, 3, 1, 6, 0, 0, tzinfo=UTC)
    return [
        StockLevel(
            sku="SKU-0001",
            gtin=gtin(1),
            warehouse_id="WH-HAM",
            warehouse_gln=WAREHOUSE_GLN,
            location="A-01-02",
            lot="L2403A",
            expiry=date(2025, 3, 1),
            uom="EA",
            on_hand=Decimal(120),
            allocated=Decimal(20),
            available=Decimal(100),
            as_of=as_of,
            sequence=41,
        ),
        StockLevel(
            sku="SKU-0001",
            gtin=gtin(1),
            warehouse_id="WH-HAM",
            lot="L2403B",
            uom="EA",
            on_hand=Decimal(40),
            available=Decimal(40),
            as_of=as_of,
            sequence=42,
        ),
        StockLevel(
            sku="SKU-0002",
            warehouse_id="WH-HAM",
            uom="KGM",
            on_hand=Decimal("12.75"),
            allocated=Decimal("2.5"),
            available=Decimal("10.25"),
            as_of=as_of,
            sequence=43,
        ),
    ]


def interchange_text(
    messages: list[tuple[str, str, list[OutSegment]]],
    *,
    reference: str = "1001",
    chars: ServiceChars = DEFAULT_CHARS,
    suffix: str = "\n",
    association: str = "",
) -> str:
    """An interchange from partner BUYER to us holding (reference, type, body) messages."""
    return generate_interchange(
        InterchangeOut(
            sender=BUYER_GLN,
            sender_qualifier="14",
            receiver=SUPPLIER_GLN,
            receiver_qualifier="14",
            control_reference=reference,
            messages=[
                MessageOut(ref, kind, body, association=association) for ref, kind, body in messages
            ],
            prepared=PREPARED,
            chars=chars,
            suffix=suffix,
        )
    )
