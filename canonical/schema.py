"""The nine canonical models by name, and their JSON Schema export."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from canonical.approval import ApprovalRequest
from canonical.customer import Customer
from canonical.envelope import SCHEMA_VERSION
from canonical.invoice import Invoice
from canonical.order import Order
from canonical.product import Product
from canonical.purchase_order import PurchaseOrder
from canonical.shipment import Shipment
from canonical.stock import StockLevel
from canonical.supplier import Supplier

MODELS: Mapping[str, type[BaseModel]] = {
    "Customer": Customer,
    "Product": Product,
    "Order": Order,
    "StockLevel": StockLevel,
    "Supplier": Supplier,
    "PurchaseOrder": PurchaseOrder,
    "Shipment": Shipment,
    "Invoice": Invoice,
    "ApprovalRequest": ApprovalRequest,
}

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID_BASE = "urn:integration-hub:canonical"


def schema_for(name: str) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one canonical model, with ``$id`` and title."""
    model = MODELS[name]
    body = model.model_json_schema(mode="validation")
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"{SCHEMA_ID_BASE}:{name}:{SCHEMA_VERSION}",
        **{key: value for key, value in body.items() if key != "title"},
        "title": name,
    }


def export_schemas(directory: Path) -> list[Path]:
    """Write ``<Name>.schema.json`` for every model into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in MODELS:
        path = directory / f"{name}.schema.json"
        # Fixed key order, indent and trailing newline: re-exporting gives identical bytes.
        text = json.dumps(schema_for(name), indent=2, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
