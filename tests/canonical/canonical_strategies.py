"""Hypothesis strategies that build valid canonical records, with totals computed from lines."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from canonical import (
    COUNTRY_CODES,
    CURRENCY_CODES,
    CURRENCY_MINOR_UNITS,
    UNIT_CODES,
    Address,
    ApprovalRequest,
    ApprovalStep,
    BankAccount,
    Contact,
    Customer,
    DocumentAllowanceCharge,
    ExternalRef,
    Invoice,
    InvoiceLine,
    LineAllowanceCharge,
    Money,
    Order,
    OrderLine,
    Package,
    PartyRef,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Quantity,
    Shipment,
    ShipmentLine,
    StockLevel,
    Supplier,
    SupplierConfirmation,
    TaxId,
    compute_line_total,
    compute_tax_subtotals,
    compute_totals,
    with_gs1_check_digit,
)
from canonical.product import ListPrice, LocalizedText, SupplierItem, UnitConversion
from canonical.supplier import Certificate, Scorecard
from canonical.types import Incoterms, PaymentTerms

text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
)
ident = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,15}\Z")
systems = st.sampled_from(["crm", "erp", "oms", "wms", "srm", "oa"])
currencies = st.sampled_from(sorted(CURRENCY_CODES))
countries = st.sampled_from(sorted(COUNTRY_CODES))
units = st.sampled_from(sorted(UNIT_CODES))
offsets = st.sampled_from(
    [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
)
aware_datetimes = st.datetimes(timezones=offsets)
dates = st.dates()
tax_rates = st.sampled_from(
    [Decimal(0), Decimal("7"), Decimal("19"), Decimal("20"), Decimal("5.5")]
)
tax_categories = st.sampled_from(["S", "Z", "E", "AE"])


def digits(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


glns = digits(12).map(with_gs1_check_digit)
gtins = st.sampled_from([7, 11, 12, 13]).flatmap(digits).map(with_gs1_check_digit)
ssccs = digits(17).map(with_gs1_check_digit)


def amounts(currency: str, low: str = "0", high: str = "100000") -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=Decimal(low),
        max_value=Decimal(high),
        places=CURRENCY_MINOR_UNITS[currency],
        allow_nan=False,
        allow_infinity=False,
    )


def money(currency: str) -> st.SearchStrategy[Money]:
    return amounts(currency).map(lambda amount: Money(amount=amount, currency=currency))


quantity_values = st.decimals(min_value=0, max_value=10000, places=3)
quantities = st.builds(Quantity, value=quantity_values, uom=units)

external_refs = st.builds(ExternalRef, system=systems, id=ident)
tax_ids = st.builds(TaxId, scheme=st.sampled_from(["EU:VAT", "US:EIN", "GB:VAT"]), value=ident)
emails = st.tuples(ident, ident).map(lambda parts: f"{parts[0]}@{parts[1]}.example")
phones = st.tuples(st.integers(1, 9), digits(8)).map(lambda p: f"+{p[0]}{p[1]}")
addresses = st.builds(
    Address,
    role=st.sampled_from(["bill_to", "ship_to", "sold_to"]),
    lines=st.lists(text, min_size=1, max_size=3).map(tuple),
    city=text,
    region=st.none() | text,
    postal_code=st.none() | ident,
    country=countries,
    gln=st.none() | glns,
)
contacts = st.builds(
    Contact, name=text, role=st.none() | ident, email=st.none() | emails, phone=st.none() | phones
)
party_refs = st.builds(
    PartyRef,
    hub_id=ident,
    gln=st.none() | glns,
    name=st.none() | text,
    external_refs=st.lists(external_refs, max_size=2).map(tuple),
    tax_ids=st.lists(tax_ids, max_size=1).map(tuple),
    address=st.none() | addresses,
)
payment_terms = st.builds(PaymentTerms, code=ident, net_days=st.integers(0, 120))


@st.composite
def party_fields(draw: st.DrawFn) -> dict[str, Any]:
    currency = draw(currencies)
    return {
        "hub_id": draw(st.none() | ident),
        "external_refs": tuple(draw(st.lists(external_refs, max_size=3))),
        "party_type": draw(st.sampled_from(["organization", "person"])),
        "legal_name": draw(text),
        "display_name": draw(st.none() | text),
        "tax_ids": tuple(draw(st.lists(tax_ids, max_size=2))),
        "gln": draw(st.none() | glns),
        "status": draw(st.sampled_from(["prospect", "active", "blocked", "inactive"])),
        "addresses": tuple(draw(st.lists(addresses, max_size=3))),
        "contacts": tuple(draw(st.lists(contacts, max_size=3))),
        "currency": currency,
        "payment_terms": draw(st.none() | payment_terms),
        "credit_limit": draw(st.none() | money(currency)),
        "language": draw(st.none() | st.sampled_from(["de", "en-GB", "zh-Hans-CN"])),
        "created_at": draw(st.none() | aware_datetimes),
        "updated_at": draw(st.none() | aware_datetimes),
        "version": draw(st.integers(0, 1000)),
    }


customers = party_fields().map(lambda fields: Customer(**fields))


@st.composite
def suppliers(draw: st.DrawFn) -> Supplier:
    return Supplier(
        **draw(party_fields()),
        supplier_number=draw(ident),
        qualification_status=draw(st.sampled_from(["onboarding", "approved", "suspended"])),
        certificates=tuple(
            draw(st.lists(st.builds(Certificate, type=ident, number=ident), max_size=2))
        ),
        scorecard=draw(
            st.none()
            | st.builds(
                Scorecard,
                on_time_percent=st.decimals(0, 100, places=1),
                fill_rate_percent=st.decimals(0, 100, places=1),
                quality_ppm=st.decimals(0, 10000, places=0),
            )
        ),
        bank_accounts=(BankAccount(iban="DE89370400440532013000", bic="COBADEFFXXX"),),
    )


@st.composite
def products(draw: st.DrawFn) -> Product:
    currency = draw(currencies)
    languages = draw(st.lists(st.sampled_from(["de", "en", "fr", "zh"]), min_size=1, unique=True))
    return Product(
        hub_id=draw(st.none() | ident),
        sku=draw(ident),
        gtin=draw(st.none() | gtins),
        names=tuple(LocalizedText(language=lang, text=draw(text)) for lang in languages),
        base_uom=draw(units),
        unit_conversions=tuple(
            draw(
                st.lists(
                    st.builds(
                        UnitConversion,
                        from_uom=units,
                        to_uom=units,
                        factor=st.decimals(min_value="0.001", max_value=1000, places=3),
                        gtin=st.none() | gtins,
                    ),
                    max_size=2,
                )
            )
        ),
        weight=draw(st.none() | quantities),
        tracking=draw(st.sampled_from(["none", "lot", "serial"])),
        list_prices=tuple(
            draw(
                st.lists(st.builds(ListPrice, price_list=ident, price=money(currency)), max_size=2)
            )
        ),
        supplier_items=tuple(
            draw(
                st.lists(
                    st.builds(SupplierItem, supplier_id=ident, cost=st.none() | money(currency)),
                    max_size=2,
                )
            )
        ),
        reorder_point=draw(st.none() | quantity_values),
        updated_at=draw(st.none() | aware_datetimes),
    )


@st.composite
def stock_levels(draw: st.DrawFn) -> StockLevel:
    on_hand = draw(st.decimals(min_value=-100, max_value=100000, places=2))
    allocated = draw(st.decimals(min_value=0, max_value=100000, places=2))
    return StockLevel(
        sku=draw(ident),
        gtin=draw(st.none() | gtins),
        warehouse_id=draw(ident),
        warehouse_gln=draw(st.none() | glns),
        lot=draw(st.none() | ident),
        expiry=draw(st.none() | dates),
        stock_status=draw(st.sampled_from(["unrestricted", "quality_inspection", "blocked"])),
        uom=draw(units),
        on_hand=on_hand,
        allocated=allocated,
        available=on_hand - allocated,
        as_of=draw(aware_datetimes),
        sequence=draw(st.integers(0, 2**40)),
    )


@st.composite
def line_fields(draw: st.DrawFn, line_no: int, currency: str) -> dict[str, Any]:
    """Fields of a priced line whose line_total is computed, not drawn."""
    quantity = draw(quantities)
    unit_price = draw(money(currency))
    base = draw(st.sampled_from([Decimal(1), Decimal(10), Decimal(100)]))
    extras = tuple(
        draw(
            st.lists(
                st.builds(LineAllowanceCharge, charge=st.booleans(), amount=money(currency)),
                max_size=2,
            )
        )
    )
    total = compute_line_total(quantity.value, unit_price.amount, base, extras, currency)
    return {
        "line_no": line_no,
        "sku": draw(ident),
        "gtin": draw(st.none() | gtins),
        "quantity": quantity,
        "unit_price": unit_price,
        "base_quantity": base,
        "allowance_charges": extras,
        "tax_category": draw(tax_categories),
        "tax_rate": draw(tax_rates),
        "line_total": Money(amount=total, currency=currency),
    }


@st.composite
def amounts_block(draw: st.DrawFn, line_type: type, currency: str, **extra: Any) -> dict[str, Any]:
    """lines, document allowances/charges, tax subtotals and totals that add up."""
    count = draw(st.integers(1, 4))
    lines = tuple(
        line_type(**draw(line_fields(number, currency)), **extra) for number in range(1, count + 1)
    )
    doc_extras = tuple(
        draw(
            st.lists(
                st.builds(
                    DocumentAllowanceCharge,
                    charge=st.booleans(),
                    amount=money(currency),
                    tax_category=tax_categories,
                    tax_rate=tax_rates,
                ),
                max_size=2,
            )
        )
    )
    subtotals = compute_tax_subtotals(lines, doc_extras, currency)
    prepaid = draw(st.none() | amounts(currency))
    return {
        "currency": currency,
        "lines": lines,
        "allowance_charges": doc_extras,
        "tax_subtotals": subtotals,
        "totals": compute_totals(lines, doc_extras, subtotals, currency, prepaid),
    }


@st.composite
def orders(draw: st.DrawFn) -> Order:
    return Order(
        hub_id=draw(st.none() | ident),
        order_number=draw(ident),
        channel=draw(st.sampled_from(["web", "marketplace", "edi", "crm"])),
        status=draw(st.sampled_from(["draft", "confirmed", "shipped"])),
        order_date=draw(dates),
        customer=draw(party_refs),
        ship_to=draw(st.none() | party_refs),
        incoterms=draw(st.none() | st.builds(Incoterms, code=st.just("DAP"), place=text)),
        updated_at=draw(st.none() | aware_datetimes),
        **draw(amounts_block(OrderLine, draw(currencies))),
    )


@st.composite
def purchase_orders(draw: st.DrawFn) -> PurchaseOrder:
    currency = draw(currencies)
    confirmation = draw(
        st.none()
        | st.builds(
            SupplierConfirmation,
            status=st.sampled_from(["accepted", "changed", "backordered"]),
            quantity=st.none() | quantity_values,
            unit_price=st.none() | money(currency),
            confirmed_at=st.none() | aware_datetimes,
        )
    )
    return PurchaseOrder(
        po_number=draw(ident),
        status=draw(st.sampled_from(["draft", "approved", "sent", "acknowledged"])),
        approval_status=draw(st.sampled_from(["approved", "not_required"])),
        order_date=draw(dates),
        supplier=draw(party_refs),
        **draw(amounts_block(PurchaseOrderLine, currency, confirmation=confirmation)),
    )


@st.composite
def invoices(draw: st.DrawFn) -> Invoice:
    issue = draw(dates.filter(lambda d: d.year < 9999))
    return Invoice(
        invoice_number=draw(ident),
        invoice_type=draw(st.sampled_from(["invoice", "credit_note"])),
        issue_date=issue,
        due_date=issue + timedelta(days=draw(st.integers(0, 90))),
        order_refs=tuple(draw(st.lists(ident, max_size=2))),
        seller=draw(party_refs),
        buyer=draw(party_refs),
        **draw(amounts_block(InvoiceLine, draw(currencies))),
    )


@st.composite
def shipments(draw: st.DrawFn) -> Shipment:
    codes = draw(st.lists(ssccs, min_size=1, max_size=3, unique=True))
    packages = tuple(
        Package(
            sscc=code,
            lines=tuple(
                ShipmentLine(
                    line_no=number,
                    sku=draw(ident),
                    quantity=Quantity(
                        value=draw(st.decimals(min_value="0.001", max_value=1000, places=3)),
                        uom=draw(units),
                    ),
                    lot=draw(st.none() | ident),
                    expiry=draw(st.none() | dates),
                )
                for number in range(1, draw(st.integers(1, 3)) + 1)
            ),
        )
        for code in codes
    )
    return Shipment(
        shipment_number=draw(ident),
        status=draw(st.sampled_from(["planned", "shipped", "delivered"])),
        order_refs=tuple(draw(st.lists(ident, max_size=2))),
        ship_from=draw(party_refs),
        ship_to=draw(party_refs),
        tracking_number=draw(st.none() | ident),
        ship_date=draw(st.none() | dates),
        packages=packages,
    )


@st.composite
def approval_requests(draw: st.DrawFn) -> ApprovalRequest:
    decisions = draw(st.lists(st.sampled_from(["approved", "skipped", "pending"]), min_size=1))
    steps = tuple(
        ApprovalStep(
            step_no=number,
            approver_role=draw(ident),
            decision=decision,
            decided_at=None if decision == "pending" else draw(aware_datetimes),
        )
        for number, decision in enumerate(decisions, start=1)
    )
    status = "pending" if "pending" in decisions else draw(st.sampled_from(["approved", "pending"]))
    currency = draw(currencies)
    return ApprovalRequest(
        kind=draw(st.sampled_from(["purchase", "travel", "expense", "credit_limit"])),
        subject_ref=draw(external_refs),
        amount=draw(st.none() | money(currency)),
        requester=draw(ident),
        steps=steps,
        status=status,
        created_at=draw(st.none() | aware_datetimes),
    )


STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "Customer": customers,
    "Product": products(),
    "Order": orders(),
    "StockLevel": stock_levels(),
    "Supplier": suppliers(),
    "PurchaseOrder": purchase_orders(),
    "Shipment": shipments(),
    "Invoice": invoices(),
    "ApprovalRequest": approval_requests(),
}
