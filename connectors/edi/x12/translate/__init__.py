"""X12 004010 <-> canonical translation, and a file-level translate for the CLI.

Inbound: 850 -> Order, 855 -> PurchaseOrderAck (apply_ack puts it on our PurchaseOrder),
856 -> Shipment, 810 -> Invoice, 846 -> list[StockLevel], 997 -> GroupAck.
Outbound bodies (segments between ST and SE, for writer.generate_interchange):
purchase_order_to_850, purchase_order_to_855, shipment_to_856, invoice_to_810, stock_to_846.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from connectors.edi.core.errors import EdiError
from connectors.edi.core.model import Transaction
from connectors.edi.x12.ack import read_997
from connectors.edi.x12.translate.common import PartnerOptions, TranslationError
from connectors.edi.x12.translate.inventory import stock_to_846, x12_846_to_stock
from connectors.edi.x12.translate.invoice import invoice_to_810, x12_810_to_invoice
from connectors.edi.x12.translate.orders import (
    order_to_850,
    purchase_order_to_850,
    x12_850_to_order,
    x12_850_to_purchase_order,
)
from connectors.edi.x12.translate.po_ack import (
    PurchaseOrderAck,
    apply_ack,
    purchase_order_to_855,
    x12_855_to_ack,
)
from connectors.edi.x12.translate.ship_notice import shipment_to_856, x12_856_to_shipment

__all__ = [
    "PartnerOptions",
    "PurchaseOrderAck",
    "TranslationError",
    "TranslationResult",
    "apply_ack",
    "invoice_to_810",
    "order_to_850",
    "purchase_order_to_850",
    "purchase_order_to_855",
    "shipment_to_856",
    "stock_to_846",
    "translate_file",
    "translate_transaction",
    "x12_810_to_invoice",
    "x12_846_to_stock",
    "x12_850_to_order",
    "x12_850_to_purchase_order",
    "x12_855_to_ack",
    "x12_856_to_shipment",
]

READERS: dict[str, Callable[[Transaction, PartnerOptions], Any]] = {
    "850": x12_850_to_order,
    "855": x12_855_to_ack,
    "856": x12_856_to_shipment,
    "810": x12_810_to_invoice,
    "846": x12_846_to_stock,
    "997": lambda tx, _opts: read_997(tx),
}


def translate_transaction(tx: Transaction, options: PartnerOptions | None = None) -> Any:
    """The canonical record(s) for one inbound X12 transaction; raises EdiError only."""
    reader = READERS.get(tx.type)
    if reader is None:
        raise TranslationError(f"no translation for X12 {tx.type}", tx.header)
    try:
        return reader(tx, options or PartnerOptions())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        raise TranslationError(f"{tx.type}: {where}: {first['msg']}", tx.header) from None
    except (ValueError, ArithmeticError, IndexError, KeyError, TypeError) as exc:
        # belt and braces: content we did not foresee must still end as an EdiError
        raise TranslationError(f"{tx.type}: cannot translate: {exc}", tx.header) from None


@dataclass(slots=True)
class TranslationResult:
    """One transaction's translation outcome."""

    interchange: str
    group: str
    control_number: str
    type: str
    record: Any = None
    error: EdiError | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (records as canonical JSON)."""
        return {
            "interchange": self.interchange,
            "group": self.group,
            "control_number": self.control_number,
            "type": self.type,
            "record": _jsonable(self.record),
            "error": self.error.to_dict() if self.error is not None else None,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return {k: _jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def translate_file(
    data: bytes | str, options: PartnerOptions | None = None
) -> list[TranslationResult]:
    """Translate every X12 transaction in a file; per-transaction errors are kept."""
    from connectors.edi.core.detect import parse_file

    out: list[TranslationResult] = []
    for ic in parse_file(data):
        if ic.standard != "x12":
            continue
        for group in ic.groups:
            for tx in group.transactions:
                result = TranslationResult(
                    ic.control_number, group.control_number, tx.control_number, tx.type
                )
                try:
                    result.record = translate_transaction(tx, options)
                except EdiError as exc:
                    result.error = exc
                out.append(result)
    return out
