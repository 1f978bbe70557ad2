"""Procure to pay, steps 5-6: approved requisition -> PO in ERP and SRM -> 850 / ORDERS."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.errors import ConfigError, ConnectorError
from connectors.sftp import SftpConnector
from connectors.soap.faults import SoapClientFault
from hub.edi.archive import LocalArchive
from hub.edi.exchange import open_connector
from hub.edi.outbound import OutboundError, OutboundExchange, queue_document
from hub.edi.partner import PartnerProfile, load_partner
from hub.processes.framework import ProcessContext, StepResult
from hub.processes.p2p_canonical import MappingRejected, link_supplier, purchase_order
from hub.processes.p2p_common import (
    APPROVED,
    CLOSED,
    ORDERED,
    PORTAL,
    SENT,
    Options,
    dead_letter,
    erp_call,
    find_srm_vendor,
    get_erp_po,
    iter_items,
)
from hub.store.edi_documents import get_document
from hub.store.models import ProcessItem
from hub.store.process_items import advance
from mappings import RecordError


def _close_failed(ctx: ProcessContext, item_id: int, reason: str, **data: Any) -> None:
    with ctx.sessions.begin() as session:
        item = session.get(ProcessItem, item_id)
        assert item is not None
        advance(item, CLOSED, status="failed", closed_reason=reason, **data)


def _load(ctx: ProcessContext, item_id: int) -> tuple[str, dict[str, Any]]:
    with ctx.sessions() as session:
        item = session.get(ProcessItem, item_id)
        assert item is not None
        return item.item_key, dict(item.data or {})


def _create_erp_po(ctx: ProcessContext, key: str, data: dict[str, Any]) -> dict[str, Any]:
    payload = {
        "ExternalRef": key,
        "VendorNo": data["vendor_no"],
        "Plant": data["plant"],
        "Currency": data["currency"],
        "Item": [
            {
                "ItemNo": 10,
                "MaterialNo": data["material"],
                "Quantity": Decimal(data["quantity"]),
                "Unit": data["unit"],
                "NetPrice": Decimal(data["unit_price"]),
                "DeliveryDate": date.fromisoformat(data["delivery_date"]),
            }
        ],
    }
    answer: dict[str, Any] = erp_call(ctx, "CreatePurchaseOrder", payload, entity="purchase_orders")
    return answer


def _srm_body(erp_po: dict[str, Any], vendor_id: str) -> dict[str, Any]:
    """The SRM publish shape, written here: srm/purchase_order.yaml maps EUR orders only."""
    lines = []
    for item in erp_po["Item"]:
        quantity = Decimal(item["Quantity"])
        if quantity != quantity.to_integral_value():
            raise ValueError(f"item {item['ItemNo']}: the SRM takes whole quantities only")
        lines.append(
            {
                "line_no": int(item["ItemNo"]),
                "sku": item["MaterialNo"],
                "quantity": int(quantity),
                "unit_price": str(Decimal(item["NetPrice"]).quantize(Decimal("0.01"))),
            }
        )
    return {
        "po_number": erp_po["PurchaseOrderNo"],
        "vendor_id": vendor_id,
        "order_date": erp_po["DocDate"],
        "currency": erp_po["Currency"],
        "lines": lines,
    }


def create_purchase_orders(ctx: ProcessContext) -> StepResult:
    """Approved requisitions -> ERP purchase order (by external ref) -> published in the SRM."""
    result = StepResult()
    for item_id in iter_items(ctx, APPROVED):
        key, data = _load(ctx, item_id)
        po_no = data.get("po_no")
        if not po_no:
            try:
                answer = _create_erp_po(ctx, key, data)
            except SoapClientFault as exc:
                # BLOCKED vendor, unknown material...: the ERP says why; keep it and close.
                reason = f"ERP refused the purchase order ({exc.fault_code}): {exc.message}"
                dead_letter(ctx, "create_purchase_orders", key, reason, data)
                _close_failed(ctx, item_id, reason, erp_fault=exc.fault_code)
                result.add("dead_letters")
                continue
            po_no = answer["PurchaseOrder"]["PurchaseOrderNo"]
            with ctx.sessions.begin() as session:
                item = session.get(ProcessItem, item_id)
                assert item is not None
                advance(item, APPROVED, po_no=po_no)
            result.add("po_created" if answer.get("Created") else "po_found")
        outcome = _publish(ctx, item_id, key, data, po_no)
        result.add(outcome)
    return result


def _publish(ctx: ProcessContext, item_id: int, key: str, data: dict[str, Any], po_no: str) -> str:
    """Publish the PO in the SRM; a refusal cancels the ERP PO and closes the item."""
    vendor = find_srm_vendor(ctx, data.get("supplier_ref") or "")
    erp_po = get_erp_po(ctx, po_no)
    if vendor is None:
        return _refused(ctx, item_id, key, po_no, "vendor_unknown", "the SRM has no such vendor")
    try:
        body = _srm_body(erp_po, vendor["vendor_id"])
    except ValueError as exc:
        return _refused(ctx, item_id, key, po_no, "invalid", str(exc))
    srm = ctx.systems.rest("srm")
    response = srm.request(
        "POST", "/purchase-orders", json=body, entity="purchase_orders", allow_status=(409,)
    )
    answer = srm.json(response, entity="purchase_orders")
    if response.status_code == 409:
        error = answer.get("error", {}) if isinstance(answer, dict) else {}
        return _refused(ctx, item_id, key, po_no, str(error.get("code")), str(error.get("message")))
    with ctx.sessions.begin() as session:
        supplier_id = link_supplier(
            session, data["vendor_no"], data.get("supplier_ref") or "", vendor["vendor_id"]
        )
        item = session.get(ProcessItem, item_id)
        assert item is not None
        advance(
            item,
            ORDERED,
            srm_vendor_id=vendor["vendor_id"],
            supplier_id=supplier_id,
            edi_partner=vendor.get("edi_partner"),
            srm_status=answer.get("status"),
            ordered_at=erp_po.get("DocDate"),
        )
    return "po_published"


def _refused(
    ctx: ProcessContext, item_id: int, key: str, po_no: str, code: str, message: str
) -> str:
    reason = f"SRM refused purchase order {po_no} ({code}): {message}"
    dead_letter(ctx, "create_purchase_orders", key, reason, {"po_no": po_no})
    # The supplier will never see it: the ERP must not count it as open supply.
    with suppress(ConnectorError):
        erp_call(ctx, "CancelPurchaseOrder", {"PurchaseOrderNo": po_no})
    _close_failed(ctx, item_id, reason, srm_refusal=code)
    return "dead_letters"


def send_orders(ctx: ProcessContext) -> StepResult:
    """Each ordered PO -> 850 / ORDERS in its supplier's inbox; portal suppliers need nothing."""
    opts = Options.of(ctx)
    result = StepResult()
    partners: dict[str, PartnerProfile] = {}
    queued: list[tuple[int, int]] = []
    for item_id in iter_items(ctx, ORDERED):
        key, data = _load(ctx, item_id)
        partner_id = data.get("edi_partner")
        if not partner_id:
            # The SRM is the supplier's portal: the published PO is the order.
            with ctx.sessions.begin() as session:
                item = session.get(ProcessItem, item_id)
                assert item is not None
                advance(item, PORTAL)
            result.add("po_portal")
            continue
        try:
            profile = partners.get(partner_id) or load_partner(partner_id, ctx.partners)
        except ConfigError as exc:
            dead_letter(ctx, "send_orders", key, exc, data)
            _close_failed(ctx, item_id, f"no EDI partner profile {partner_id}")
            result.add("dead_letters")
            continue
        partners[partner_id] = profile
        doc_id = data.get("edi_out_document")
        if doc_id is None:
            try:
                doc_id = _queue(ctx, item_id, data, profile, opts)
            except (MappingRejected, RecordError, OutboundError, ValueError) as exc:
                dead_letter(ctx, "send_orders", key, exc, data)
                _close_failed(ctx, item_id, f"purchase order not sendable: {exc}")
                result.add("dead_letters")
                continue
        queued.append((item_id, doc_id))
    for profile in partners.values():
        _exchange(ctx, profile)
    for item_id, doc_id in queued:
        with ctx.sessions.begin() as session:
            doc = get_document(session, doc_id)
            item = session.get(ProcessItem, item_id)
            assert item is not None
            if doc.status == "sent":
                advance(item, SENT, edi_out_control=doc.control_number, edi_out_type=doc.edi_type)
                result.add("po_sent")
                result.add("edi_out")
            elif doc.status == "failed":
                advance(
                    item, CLOSED, status="failed", closed_reason=f"850 not written: {doc.error}"
                )
                result.add("dead_letters")
    return result


def _queue(
    ctx: ProcessContext, item_id: int, data: dict[str, Any], profile: PartnerProfile, opts: Options
) -> int:
    erp_po = get_erp_po(ctx, data["po_no"])
    warehouse = opts.plant_warehouses.get(data["plant"])
    with ctx.sessions.begin() as session:
        item = session.get(ProcessItem, item_id, with_for_update=True)
        assert item is not None
        known = (item.data or {}).get("edi_out_document")
        if known is not None:
            return int(known)
        document = purchase_order(ctx, session, erp_po, warehouse=warehouse, profile=profile)
        row = queue_document(session, profile, "purchase_order", document)
        advance(item, ORDERED, edi_out_document=row.id)
        return int(row.id)


def edi_archive(ctx: ProcessContext) -> LocalArchive:
    """Where EDI files sent and received by this process are kept."""
    return LocalArchive(Path(ctx.data_dir) / "edi-archive")


def _exchange(ctx: ProcessContext, profile: PartnerProfile) -> None:
    """Send this partner's queued documents (and finish interrupted uploads)."""
    sftp: SftpConnector = open_connector(profile)
    try:
        OutboundExchange(profile, ctx.sessions, sftp, edi_archive(ctx)).run()
    finally:
        sftp.close()
