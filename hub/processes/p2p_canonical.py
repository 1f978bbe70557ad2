"""Canonical documents of procure to pay, built with the mapping files and the xref table."""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from canonical import Invoice, PurchaseOrder, Shipment
from canonical.pricing import compute_line_total, compute_tax_subtotals, compute_totals
from canonical.purchase_order import PurchaseOrderLine
from canonical.scalars import Gln
from hub.edi.partner import PartnerProfile
from hub.processes.framework import ProcessContext
from hub.processes.p2p_common import ERP
from hub.store import XrefConflictError, canonical_id_for, link, populate_or_lookup, system_id_for
from mappings import CompiledMapping, Rejected, compile_mapping, mapping_path

SUPPLIER = "supplier"
_GLN: TypeAdapter[str] = TypeAdapter(Gln)


class MappingRejected(Exception):
    """A mapping filter turned the record away on purpose (e.g. EUR-only mappings)."""


class SessionResolver:
    """The xref resolver the mapping lookups use, over one state-store session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def canonical_id(self, entity: str, system: str, system_id: str) -> str | None:
        return canonical_id_for(self.session, entity, system, system_id)

    def system_id(self, entity: str, canonical_id: str, system: str) -> str | None:
        return system_id_for(self.session, entity, canonical_id, system)


def mapping(ctx: ProcessContext, session: Session, system: str, name: str) -> CompiledMapping:
    """A mapping file compiled with lookups through this session's xref rows."""
    return compile_mapping(
        mapping_path(ctx.mappings, system, name), resolver=SessionResolver(session)
    )


def link_supplier(
    session: Session, vendor_no: str, supplier_ref: str, srm_vendor_id: str | None
) -> str:
    """The supplier's canonical id, linked to its ERP, SRM and WMS ids.

    The ERP vendor decides; a link another flow already made differently is kept.
    """
    canonical = canonical_id_for(session, SUPPLIER, "srm", srm_vendor_id) if srm_vendor_id else None
    canonical = canonical or populate_or_lookup(session, SUPPLIER, ERP, vendor_no)
    others = (("srm", srm_vendor_id), ("wms", supplier_ref), (ERP, vendor_no))
    for system, system_id in others:
        if not system_id:
            continue
        # A link the supplier master flow made first stands.
        with suppress(XrefConflictError):
            link(session, SUPPLIER, canonical, system, system_id)
    return canonical


def _reject(result: dict[str, Any] | Rejected) -> dict[str, Any]:
    if isinstance(result, Rejected):
        raise MappingRejected(f"{result.filter}: {result.reason}")
    return result


def purchase_order(
    ctx: ProcessContext,
    session: Session,
    erp_po: dict[str, Any],
    *,
    warehouse: str | None,
    profile: PartnerProfile | None,
) -> PurchaseOrder:
    """The ERP purchase order as a canonical PurchaseOrder, ready for the 850 / ORDERS.

    The mapping does the fields; line totals and document totals are computed here,
    because the mapping language has no arithmetic (mappings/README.md, gap 1).
    """
    data = _reject(mapping(ctx, session, ERP, "purchase_order").to_canonical(erp_po))
    currency = data["currency"]
    for line in data["lines"]:
        amount = compute_line_total(
            Decimal(str(line["quantity"]["value"])),
            Decimal(str(line["unit_price"]["amount"])),
            Decimal(1),
            (),
            currency,
        )
        line["line_total"] = {"amount": amount, "currency": currency}
    dates = [line["requested_date"] for line in data["lines"] if line.get("requested_date")]
    if dates:
        data["requested_delivery_date"] = min(dates)
    data["status"] = "sent"
    data["approval_status"] = "approved"
    if profile is not None:
        _partner_parties(data, profile, warehouse)
    priced = [PurchaseOrderLine.model_validate(line) for line in data["lines"]]
    subtotals = compute_tax_subtotals(priced, (), currency)
    data["tax_subtotals"] = [s.model_dump() for s in subtotals]
    data["totals"] = compute_totals(priced, (), subtotals, currency).model_dump()
    return PurchaseOrder.model_validate(data)


def _gln(value: str) -> str | None:
    """``value`` if it is a valid GLN (a partner file may carry a bad check digit)."""
    try:
        return str(_GLN.validate_python(value))
    except ValidationError:
        return None


def _partner_parties(data: dict[str, Any], profile: PartnerProfile, warehouse: str | None) -> None:
    """Name the parties the way this partner knows them: GLNs, else the partner's own ids.

    The EDI writers take an id from ``external_refs`` under the partner's system name
    (X12 N1 qualifier 92) or the first one (EDIFACT NAD agency 92).
    """
    system = profile.id.lower()

    def party(current: dict[str, Any] | None, gln: str | None, ident: str | None) -> dict[str, Any]:
        out = dict(current or {})
        refs = list(out.get("external_refs") or [])
        if ident:
            refs.insert(0, {"system": system, "id": ident})
        out["external_refs"] = refs
        if gln and _gln(gln):
            out["gln"] = gln
        return out

    supplier_gln = profile.theirs.id if profile.theirs.qualifier == "14" else None
    data["supplier"] = party(data["supplier"], supplier_gln, profile.theirs.id)
    buyer_gln = profile.ours.id if profile.ours.qualifier == "14" else None
    data["buyer"] = party(None, buyer_gln, profile.ours.id)
    if warehouse is not None:
        # The partner's code for our warehouse, else our own code for it.
        mapped = next((p for p in profile.mappings.parties if p.ours == warehouse), None)
        if mapped is not None:
            data["ship_to"] = party(data.get("ship_to"), mapped.gln, mapped.theirs)
        else:
            data["ship_to"] = party(data.get("ship_to"), None, warehouse)


def asn_payload(
    ctx: ProcessContext,
    session: Session,
    shipment: dict[str, Any],
    *,
    po_no: str,
    supplier_id: str,
    warehouse: str,
) -> dict[str, Any]:
    """The WMS expected receipt (POST /asns body) for the supplier's ship notice."""
    record = dict(shipment)
    record["ship_from"] = {"hub_id": supplier_id}
    record["ship_to"] = {"external_refs": [{"system": "wms", "id": warehouse}]}
    record["purchase_order_refs"] = [po_no]
    model = Shipment.model_validate(record)
    native = _reject(mapping(ctx, session, "wms", "inbound_shipment").to_native(model))
    native["po_ref"] = po_no
    native["whse"] = warehouse
    if model.expected_delivery_date is None and model.ship_date is not None:
        native.setdefault("expected_date", model.ship_date.isoformat())
    return {k: v for k, v in native.items() if v is not None}


def invoice_payload(
    ctx: ProcessContext,
    session: Session,
    invoice: dict[str, Any],
    *,
    po_no: str,
    supplier_id: str,
    po_items: dict[str, int],
) -> dict[str, Any]:
    """The ERP PostSupplierInvoice request for the supplier's 810 / INVOIC."""
    record = dict(invoice)
    record["seller"] = {"hub_id": supplier_id}
    record["purchase_order_refs"] = [po_no]
    lines = []
    for line in record.get("lines", []):
        line = dict(line)
        # EDI lines may not echo our PO line number; the PO has one item per material.
        if not line.get("order_line_no") and line.get("sku") in po_items:
            line["order_line_no"] = po_items[line["sku"]]
        lines.append(line)
    record["lines"] = lines
    model = Invoice.model_validate(record)
    native = _reject(mapping(ctx, session, ERP, "supplier_invoice").to_native(model))
    native["PurchaseOrderNo"] = po_no
    return native
