"""Transactions of a received interchange as canonical documents (JSON-able), per partner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from connectors.edi.core.errors import EdiError, EdiValidationError
from connectors.edi.core.model import Transaction
from connectors.edi.edifact.translate import (
    desadv_to_shipment,
    invoic_to_invoice,
    invrpt_to_stock,
    orders_to_order,
    read_ordrsp,
)
from connectors.edi.edifact.translate.common import PartnerOptions as EdifactOptions
from connectors.edi.edifact.translate.common import first, sections
from connectors.edi.x12.translate import translate_transaction
from hub.edi.options import edifact_options, x12_options
from hub.edi.partner import PartnerProfile

# EDI type -> our document type
DOC_TYPES = {
    "850": "order",
    "ORDERS": "order",
    "855": "purchase_order_ack",
    "ORDRSP": "purchase_order_ack",
    "856": "shipment",
    "DESADV": "shipment",
    "810": "invoice",
    "INVOIC": "invoice",
    "846": "stock",
    "INVRPT": "stock",
}
ACK_TYPES = frozenset({"997", "CONTRL"})


@dataclass(slots=True)
class Translated:
    """One transaction and the canonical document it became (or why it did not)."""

    edi_type: str
    control_number: str
    doc_type: str
    canonical: Any = None
    reference: str | None = None
    error: EdiError | None = None


def jsonable(value: Any) -> Any:
    """Canonical models and translator dataclasses as plain JSON values."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return {k: jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _reference(record: Any) -> str | None:
    for attr in ("order_number", "po_number", "shipment_number", "invoice_number"):
        value = getattr(record, attr, None)
        if isinstance(value, str):
            return value
    return None


def _ordrsp(tx: Transaction, options: EdifactOptions, decimal: str) -> dict[str, Any]:
    confirmations = read_ordrsp(tx, options, decimal)
    head = sections(tx).header
    bgm = first(head, "BGM")
    ordered = first(head, "RFF", "ON")
    po_number = ordered.get(1, 2) if ordered is not None else (bgm.get(2) if bgm else "")
    return {
        "po_number": po_number,
        "ack_type": bgm.get(4) if bgm is not None else "",
        "ack_date": None,
        "confirmations": {str(k): jsonable(v) for k, v in confirmations.items()},
    }


_EdifactReader = Callable[[Transaction, EdifactOptions, str], Any]
_EDIFACT: dict[str, _EdifactReader] = {
    "ORDERS": orders_to_order,
    "ORDRSP": _ordrsp,
    "DESADV": desadv_to_shipment,
    "INVOIC": invoic_to_invoice,
    "INVRPT": invrpt_to_stock,
}


def translate(tx: Transaction, profile: PartnerProfile | None, decimal: str = ".") -> Translated:
    """Translate one transaction the partner sent; errors are kept, never raised.

    Without a profile, default options are used and any document type is accepted.
    """
    doc_type = DOC_TYPES.get(tx.type, "unknown")
    out = Translated(tx.type, tx.control_number, doc_type)
    if profile is not None and tx.type not in profile.documents.inbound:
        out.error = EdiValidationError(
            f"{tx.type} is not a document {profile.id} sends us "
            f"(agreed: {', '.join(profile.documents.inbound)})",
            code="tx.not_supported",
            position=tx.header.position if tx.header is not None else None,
        )
        return out
    try:
        if tx.header is not None and tx.header.tag == "ST":
            record = translate_transaction(tx, x12_options(profile) if profile else None)
        else:
            reader = _EDIFACT.get(tx.type)
            if reader is None:
                raise EdiValidationError(f"no translation for {tx.type}", code="tx.not_supported")
            record = reader(tx, edifact_options(profile) if profile else EdifactOptions(), decimal)
    except EdiError as exc:
        out.error = exc
        return out
    out.canonical = jsonable(record)
    out.reference = _reference(record) or (
        record.get("po_number") if isinstance(record, dict) else None
    )
    return out
