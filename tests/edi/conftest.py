"""Shared EDI test helpers: fixture paths and canonical records that X12 can carry."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from canonical.invoice import Invoice
from canonical.purchase_order import PurchaseOrder
from canonical.shipment import Shipment
from canonical.stock import StockLevel

FIXTURES = Path(__file__).parent / "fixtures"
X12_FIXTURES = FIXTURES / "x12"

EUR = "EUR"


def money(amount: str, currency: str = EUR) -> dict[str, str]:
    """Money as a dict."""
    return {"amount": amount, "currency": currency}


SUPPLIER = {
    "gln": "4012345000009",
    "name": "Parts Ltd",
    "address": {
        "role": "sold_to",
        "lines": ["Hauptstr. 1", "Hof 2"],
        "city": "Berlin",
        "postal_code": "10115",
        "country": "DE",
    },
}
BUYER = {"external_refs": [{"system": "edi", "id": "BUYER-1"}], "name": "Shop Inc"}
SHIP_TO = {
    "name": "Shop DC",
    "address": {"role": "ship_to", "lines": ["1 Dock Rd"], "city": "Hamburg", "country": "DE"},
}

# 2 x 12.50 - 1.00 = 24.00 (S 19%); 3 KGM x 4.00 per 10 = 1.20 (Z 0%); charge 5.00 (S 19%)
LINES: list[dict[str, Any]] = [
    {
        "line_no": 1,
        "sku": "SKU-1",
        "gtin": "4006381333931",
        "description": "Widget",
        "quantity": {"value": "2", "uom": "EA"},
        "unit_price": money("12.50"),
        "allowance_charges": [{"charge": False, "amount": money("1.00"), "reason_code": "C310"}],
        "tax_category": "S",
        "tax_rate": "19",
        "line_total": money("24.00"),
    },
    {
        "line_no": 2,
        "sku": "SKU-2",
        "quantity": {"value": "3", "uom": "KGM"},
        "unit_price": money("4.00"),
        "base_quantity": "10",
        "tax_category": "Z",
        "tax_rate": "0",
        "line_total": money("1.20"),
    },
]
AMOUNTS: dict[str, Any] = {
    "currency": EUR,
    "allowance_charges": [
        {
            "charge": True,
            "amount": money("5.00"),
            "reason_code": "FREIGHT",
            "reason": "Freight",
            "tax_category": "S",
            "tax_rate": "19",
        }
    ],
    "tax_subtotals": [
        {
            "tax_category": "S",
            "tax_rate": "19",
            "taxable_amount": money("29.00"),
            "tax_amount": money("5.51"),
        },
        {
            "tax_category": "Z",
            "tax_rate": "0",
            "taxable_amount": money("1.20"),
            "tax_amount": money("0.00"),
        },
    ],
    "totals": {
        "lines_total": money("25.20"),
        "allowances_total": money("0"),
        "charges_total": money("5.00"),
        "tax_exclusive": money("30.20"),
        "tax_total": money("5.51"),
        "tax_inclusive": money("35.71"),
        "payable": money("35.71"),
    },
}


def purchase_order(**changes: Any) -> PurchaseOrder:
    """A PurchaseOrder using only fields the 850 carries."""
    data: dict[str, Any] = {
        "po_number": "PO-1001",
        "status": "sent",
        "order_date": "2024-05-06",
        "requested_delivery_date": "2024-05-20",
        "supplier": SUPPLIER,
        "buyer": BUYER,
        "ship_to": SHIP_TO,
        "payment_terms": {
            "code": "NET30",
            "net_days": 30,
            "discount_percent": "2",
            "discount_days": 10,
        },
        "incoterms": {"code": "DAP", "place": "Hamburg"},
        "lines": [
            {**LINES[0], "supplier_sku": "P-77", "requested_date": "2024-05-19"},
            LINES[1],
        ],
        "notes": ["Deliver to dock 3, weekdays only."],
        **AMOUNTS,
    }
    data.update(changes)
    return PurchaseOrder.model_validate(data)


def shipment(**changes: Any) -> Shipment:
    """A Shipment using only fields the 856 carries."""
    data: dict[str, Any] = {
        "shipment_number": "ASN-1",
        "status": "shipped",
        "purchase_order_refs": ["PO-1001"],
        "order_refs": ["SO-9"],
        "ship_from": SUPPLIER,
        "ship_to": {"gln": "4012345000009", "name": "Shop DC"},
        "carrier": {"name": "UPS", "scac": "UPSN", "service_level": "ND"},
        "tracking_number": "1Z999AA10123456784",
        "ship_date": "2024-05-18",
        "expected_delivery_date": "2024-05-20",
        "packages": [
            {
                "sscc": "106141411234567897",
                "package_type": "PLT90",
                "weight": {"value": "12.5", "uom": "KGM"},
                "lines": [
                    {
                        "line_no": 1,
                        "sku": "SKU-1",
                        "gtin": "4006381333931",
                        "quantity": {"value": "2", "uom": "EA"},
                        "lot": "L1",
                        "expiry": "2025-01-31",
                        "serials": ["S1", "S2"],
                        "order_ref": "PO-1001",
                        "order_line_no": 1,
                    }
                ],
            },
            {
                "sscc": "006141411234567890",
                "lines": [{"line_no": 2, "sku": "SKU-2", "quantity": {"value": "3", "uom": "KGM"}}],
            },
        ],
    }
    data.update(changes)
    return Shipment.model_validate(data)


def invoice(**changes: Any) -> Invoice:
    """An Invoice using only fields the 810 carries."""
    data: dict[str, Any] = {
        "invoice_number": "INV-1",
        "issue_date": "2024-05-21",
        "due_date": "2024-06-20",
        "purchase_order_refs": ["PO-1001"],
        "seller": SUPPLIER,
        "buyer": BUYER,
        "payment_terms": {"code": "NET30", "net_days": 30},
        "lines": [{**LINES[0], "order_ref": "PO-1001", "order_line_no": 1}, LINES[1]],
        "notes": ["Thank you for your order."],
        **AMOUNTS,
    }
    data.update(changes)
    return Invoice.model_validate(data)


def stock_levels() -> list[StockLevel]:
    """Two snapshots the 846 carries."""
    return [
        StockLevel(
            sku="SKU-1",
            warehouse_id="WH1",
            warehouse_gln="4012345000009",
            uom="EA",
            on_hand="10",
            allocated="3",
            available="7",
            as_of=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
            sequence=42,
        ),
        StockLevel(
            sku="SKU-2",
            gtin="4006381333931",
            lot="L1",
            expiry="2025-01-01",
            location="A-1",
            stock_status="blocked",
            warehouse_id="WH2",
            uom="KGM",
            on_hand="1.5",
            available="1.5",
            incoming="4",
            as_of=datetime(2024, 5, 6, 7, 8, 10, tzinfo=UTC),
            sequence=43,
        ),
    ]


@pytest.fixture
def x12_fixture() -> Any:
    """Read an X12 fixture file by name."""

    def read(name: str) -> bytes:
        return (X12_FIXTURES / name).read_bytes()

    return read
