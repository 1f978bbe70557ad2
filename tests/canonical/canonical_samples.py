"""Hand-written valid records (as JSON-ready dicts) that tests copy and break."""

from __future__ import annotations

import copy
from typing import Any

# 2 x 12.50 = 25.00 - 1.00 allowance = 24.00 (S 19%); 3 x 4.00 per 10 = 1.20 (Z 0%).
# Document charge 5.00 in S 19%. S taxable 29.00 -> tax 5.51; Z taxable 1.20 -> tax 0.00.
# lines 25.20, charges 5.00, tax exclusive 30.20, tax 5.51, inclusive 35.71, payable 35.71.
_LINES = [
    {
        "line_no": 1,
        "sku": "SKU-1",
        "gtin": "4006381333931",
        "quantity": {"value": "2", "uom": "EA"},
        "unit_price": {"amount": "12.50", "currency": "EUR"},
        "allowance_charges": [{"charge": False, "amount": {"amount": "1.00", "currency": "EUR"}}],
        "tax_category": "S",
        "tax_rate": "19",
        "line_total": {"amount": "24.00", "currency": "EUR"},
    },
    {
        "line_no": 2,
        "sku": "SKU-2",
        "quantity": {"value": "3", "uom": "KGM"},
        "unit_price": {"amount": "4.00", "currency": "EUR"},
        "base_quantity": "10",
        "tax_category": "Z",
        "tax_rate": "0",
        "line_total": {"amount": "1.20", "currency": "EUR"},
    },
]


def _eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


_AMOUNTS = {
    "currency": "EUR",
    "allowance_charges": [
        {"charge": True, "amount": _eur("5.00"), "tax_category": "S", "tax_rate": "19"}
    ],
    "tax_subtotals": [
        {
            "tax_category": "S",
            "tax_rate": "19",
            "taxable_amount": _eur("29.00"),
            "tax_amount": _eur("5.51"),
        },
        {
            "tax_category": "Z",
            "tax_rate": "0",
            "taxable_amount": _eur("1.20"),
            "tax_amount": _eur("0.00"),
        },
    ],
    "totals": {
        "lines_total": _eur("25.20"),
        "allowances_total": _eur("0"),
        "charges_total": _eur("5.00"),
        "tax_exclusive": _eur("30.20"),
        "tax_total": _eur("5.51"),
        "tax_inclusive": _eur("35.71"),
        "payable": _eur("35.71"),
    },
}

_ADDRESS = {
    "role": "ship_to",
    "lines": ["Hauptstr. 1"],
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
    "gln": "4012345000009",
}
_PARTY = {"hub_id": "party-1", "name": "Acme", "address": _ADDRESS}

_SAMPLES: dict[str, dict[str, Any]] = {
    "Customer": {
        "hub_id": "cus-1",
        "external_refs": [{"system": "crm", "id": "001A"}],
        "legal_name": "Acme Trading GmbH",
        "gln": "4012345000009",
        "addresses": [_ADDRESS, {**_ADDRESS, "role": "bill_to", "gln": None}],
        "contacts": [{"name": "Jane", "email": "jane@acme.example", "phone": "+4930123456"}],
        "currency": "EUR",
        "credit_limit": _eur("50000.00"),
        "updated_at": "2024-05-06T09:08:09+02:00",
    },
    "Product": {
        "sku": "SKU-1",
        "gtin": "4006381333931",
        "names": [{"language": "en", "text": "Widget"}],
        "base_uom": "EA",
        "unit_conversions": [
            {"from_uom": "CT", "to_uom": "EA", "factor": "12", "gtin": "14006381333938"}
        ],
        "list_prices": [
            {"price_list": "PL-EU", "price": _eur("12.50"), "valid_from": "2024-01-01"}
        ],
        "weight": {"value": "0.25", "uom": "KGM"},
    },
    "Order": {
        "order_number": "SO-1",
        "channel": "web",
        "status": "confirmed",
        "order_date": "2024-05-06",
        "customer": _PARTY,
        "lines": _LINES,
        **_AMOUNTS,
        "allocations": [
            {"line_no": 1, "warehouse_id": "WH1", "quantity": "1"},
            {"line_no": 1, "warehouse_id": "WH2", "quantity": "1"},
        ],
    },
    "StockLevel": {
        "sku": "SKU-1",
        "warehouse_id": "WH1",
        "warehouse_gln": "4012345000009",
        "uom": "EA",
        "on_hand": "10",
        "allocated": "3",
        "available": "7",
        "as_of": "2024-05-06T07:08:09Z",
        "sequence": 42,
    },
    "Supplier": {
        "legal_name": "Parts Ltd",
        "supplier_number": "S-1",
        "gln": "4012345000009",
        "bank_accounts": [{"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}],
    },
    "PurchaseOrder": {
        "po_number": "PO-1",
        "status": "sent",
        "approval_status": "approved",
        "order_date": "2024-05-06",
        "supplier": _PARTY,
        "lines": [
            {**_LINES[0], "confirmation": {"status": "accepted", "quantity": "2"}},
            _LINES[1],
        ],
        **_AMOUNTS,
    },
    "Shipment": {
        "shipment_number": "ASN-1",
        "status": "shipped",
        "ship_from": _PARTY,
        "ship_to": {"gln": "4012345000009"},
        "packages": [
            {
                "sscc": "106141411234567897",
                "lines": [
                    {
                        "line_no": 1,
                        "sku": "SKU-1",
                        "quantity": {"value": "2", "uom": "EA"},
                        "lot": "L1",
                        "expiry": "2025-01-31",
                    }
                ],
            }
        ],
    },
    "Invoice": {
        "invoice_number": "INV-1",
        "issue_date": "2024-05-06",
        "due_date": "2024-06-05",
        "seller": _PARTY,
        "buyer": {"hub_id": "party-2"},
        "lines": _LINES,
        **_AMOUNTS,
    },
    "ApprovalRequest": {
        "kind": "purchase",
        "subject_ref": {"system": "srm", "id": "PO-1"},
        "amount": _eur("35.71"),
        "requester": "u1",
        "steps": [
            {
                "step_no": 1,
                "approver_role": "manager",
                "decision": "approved",
                "decided_at": "2024-05-06T10:00:00Z",
            },
            {"step_no": 2, "approver_role": "finance"},
        ],
        "status": "pending",
    },
}


def sample(name: str) -> dict[str, Any]:
    """A fresh, deep-copied valid record for model ``name``."""
    return copy.deepcopy(_SAMPLES[name])
