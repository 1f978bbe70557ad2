"""Procure to pay, steps 7-9: supplier documents in -> 855 applied -> 856 as a WMS ASN."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from connectors.errors import ClientError, ConfigError
from hub.edi.exchange import open_connector
from hub.edi.inbound import InboundExchange
from hub.edi.partner import PartnerProfile, load_partner
from hub.processes.framework import ProcessContext, StepResult
from hub.processes.p2p_canonical import MappingRejected, asn_payload
from hub.processes.p2p_common import (
    CLOSED,
    CONFIRMED,
    EXPECTED,
    PROCESS_NAME,
    RECEIVED,
    SENT,
    Options,
    dead_letter,
    erp_call,
    iter_items,
    srm_json,
)
from hub.processes.p2p_orders import edi_archive
from hub.store.edi_documents import get_document, iter_documents, mark_document
from hub.store.models import ProcessItem
from hub.store.process_items import advance
from mappings import RecordError

ACK, SHIPMENT, INVOICE = "purchase_order_ack", "shipment", "invoice"
DOC_TYPES = (ACK, SHIPMENT, INVOICE)
# Stages at which an EDI item may still receive supplier documents.
OPEN_STAGES = (SENT, CONFIRMED, EXPECTED, RECEIVED)
SRM_ACK = {"accepted": "ACCEPTED", "changed": "CHANGED", "rejected": "REJECTED",
           "backordered": "CHANGED"}  # fmt: skip


def _po_number(doc_type: str, canonical: Any) -> str | None:
    if not isinstance(canonical, dict):
        return None
    if doc_type == ACK:
        return canonical.get("po_number")
    refs = canonical.get("purchase_order_refs") or []
    return refs[0] if refs else None


def _ships(ack: Any) -> bool:
    """Whether an 855 confirms any quantity to deliver."""
    for conf in (ack.get("confirmations") or {}).values() if isinstance(ack, dict) else ():
        if conf.get("status") not in ("rejected", "backordered") and (
            conf.get("quantity") is None or Decimal(str(conf["quantity"])) > 0
        ):
            return True
    return False


def _expects(data: dict[str, Any]) -> list[str]:
    """Documents the item still waits for (the ship notice only if something ships)."""
    docs = data.get("docs") or {}
    missing = []
    if ACK not in docs:
        return [ACK]
    if data.get("ships", True):
        missing = [t for t in (SHIPMENT, INVOICE) if t not in docs]
    return missing


def await_supplier_documents(ctx: ProcessContext) -> StepResult:
    """Waits for each sent PO's 855, 856 and 810; reads them from the partners' inboxes."""
    result = StepResult()
    by_po: dict[str, int] = {}
    partners: dict[str, PartnerProfile] = {}
    for item_id in iter_items(ctx, OPEN_STAGES):
        with ctx.sessions() as session:
            item = session.get(ProcessItem, item_id)
            assert item is not None
            data = dict(item.data or {})
        if not data.get("edi_partner") or not _expects(data):
            continue
        by_po[data["po_no"]] = item_id
        partner = data["edi_partner"]
        if partner not in partners:
            try:
                partners[partner] = load_partner(partner, ctx.partners)
            except ConfigError:
                continue  # send_orders dead-lettered it already
    for profile in partners.values():
        sftp = open_connector(profile)
        try:
            received = InboundExchange(profile, ctx.sessions, sftp, edi_archive(ctx)).run()
        finally:
            sftp.close()
        result.add("edi_in", sum(len(r.document_ids) for r in received))
    for profile in partners.values():
        _claim(ctx, profile, by_po, result)
    result.counts["waiting"] = 0
    for item_id in by_po.values():
        with ctx.sessions() as session:
            item = session.get(ProcessItem, item_id)
            assert item is not None
            if _expects(dict(item.data or {})):
                result.add("waiting")
    return result


def _claim(
    ctx: ProcessContext, profile: PartnerProfile, by_po: dict[str, int], result: StepResult
) -> None:
    """Attach the partner's pending documents to their items (and mark them processed)."""
    with ctx.sessions() as session:
        pending = [
            (d.id, d.doc_type, _po_number(d.doc_type, d.canonical))
            for d in iter_documents(session, partner=profile.id, direction="in", status="pending")
            if d.doc_type in DOC_TYPES
        ]
    for doc_id, doc_type, po_no in pending:
        item_id = by_po.get(po_no or "")
        with ctx.sessions.begin() as session:
            if item_id is None:
                item_id = _any_item(session, po_no)
            if item_id is None:
                message = f"{doc_type} for purchase order {po_no}, which no open item carries"
                mark_document(session, doc_id, "failed", error=message)
                failed = True
            else:
                item = session.get(ProcessItem, item_id, with_for_update=True)
                assert item is not None
                docs = dict((item.data or {}).get("docs") or {})
                docs.setdefault(doc_type, doc_id)  # a repeat of a document is ignored
                extra: dict[str, Any] = {}
                if doc_type == ACK and docs[ACK] == doc_id:
                    # Nothing confirmed to ship: no 856 or 810 will come, stop waiting.
                    extra["ships"] = _ships(get_document(session, doc_id).canonical)
                advance(item, item.stage, docs=docs, **extra)
                mark_document(session, doc_id, "processed")
                result.add(f"{doc_type}_received")
                failed = False
        if failed:
            dead_letter(ctx, "await_supplier_documents", str(doc_id), message, {"po": po_no})
            result.add("dead_letters")


def _any_item(session: Any, po_no: str | None) -> int | None:
    if not po_no:
        return None
    rows = session.scalars(
        select(ProcessItem).where(
            ProcessItem.process == PROCESS_NAME, ProcessItem.status == "active"
        ),
        execution_options={"yield_per": 200},
    )
    for item in rows:
        if (item.data or {}).get("po_no") == po_no and item.status == "active":
            return int(item.id)
    return None


def _document(ctx: ProcessContext, doc_id: int) -> Any:
    with ctx.sessions() as session:
        return get_document(session, doc_id).canonical


def apply_confirmations(ctx: ProcessContext) -> StepResult:
    """855 / ORDRSP -> ERP confirmation per item, SRM PO acknowledged with its lines."""
    result = StepResult()
    for item_id in iter_items(ctx, SENT):
        with ctx.sessions() as session:
            item = session.get(ProcessItem, item_id)
            assert item is not None
            key, data = item.item_key, dict(item.data or {})
        doc_id = (data.get("docs") or {}).get(ACK)
        if doc_id is None:
            continue
        ack = _document(ctx, doc_id)
        confirmations = ack.get("confirmations") or {}
        erp_items, srm_lines, confirmed = [], [], {}
        for line_no, conf in sorted(confirmations.items(), key=lambda kv: int(kv[0])):
            status = conf.get("status", "accepted")
            qty = Decimal(str(conf.get("quantity") or 0))
            if status in ("rejected", "backordered"):
                qty = Decimal(0)
            elif conf.get("quantity") is None:
                qty = Decimal(data["quantity"])
            price = (conf.get("unit_price") or {}).get("amount")
            erp_item: dict[str, Any] = {"ItemNo": int(line_no), "ConfirmedQuantity": qty}
            if price is not None:
                erp_item["ConfirmedPrice"] = Decimal(str(price))
            if conf.get("delivery_date"):
                erp_item["ConfirmedDate"] = conf["delivery_date"]
            erp_items.append(erp_item)
            srm_line: dict[str, Any] = {
                "line_no": int(line_no),
                "status": SRM_ACK.get(status, "CHANGED"),
                "confirmed_qty": int(qty),
            }
            if conf.get("delivery_date"):
                srm_line["confirmed_date"] = conf["delivery_date"]
            srm_lines.append(srm_line)
            confirmed[str(line_no)] = {
                "status": status,
                "quantity": str(qty),
                "price": str(price) if price is not None else None,
                "date": conf.get("delivery_date"),
            }
        if not erp_items:
            dead_letter(ctx, "apply_confirmations", key, "the 855 confirms no line", ack)
            result.add("dead_letters")
            continue
        erp_call(
            ctx,
            "UpdatePurchaseOrderConfirmation",
            {"PurchaseOrderNo": data["po_no"], "Item": erp_items},
        )
        _acknowledge_in_srm(ctx, data["po_no"], srm_lines)
        ships = any(Decimal(c["quantity"]) > 0 for c in confirmed.values())
        with ctx.sessions.begin() as session:
            item = session.get(ProcessItem, item_id)
            assert item is not None
            if ships:
                advance(item, CONFIRMED, confirmed=confirmed, ships=True)
            else:
                advance(
                    item,
                    CLOSED,
                    status="closed",
                    confirmed=confirmed,
                    ships=False,
                    closed_reason="the supplier confirmed nothing to deliver",
                )
        result.add("po_acknowledged")
    return result


def _acknowledge_in_srm(ctx: ProcessContext, po_no: str, lines: list[dict[str, Any]]) -> None:
    current = srm_json(ctx, "GET", f"/purchase-orders/{po_no}")
    if current.get("status") != "SENT":
        return  # acknowledged already (a re-run, or the supplier used the portal)
    srm_json(
        ctx,
        "POST",
        f"/purchase-orders/{po_no}/acknowledgement",
        json={"lines": lines, "note": "confirmed by EDI"},
    )


def expect_receipts(ctx: ProcessContext) -> StepResult:
    """856 / DESADV -> expected receipt (ASN) in the WMS of the PO's plant."""
    opts = Options.of(ctx)
    result = StepResult()
    for item_id in iter_items(ctx, CONFIRMED):
        with ctx.sessions() as session:
            item = session.get(ProcessItem, item_id)
            assert item is not None
            key, data = item.item_key, dict(item.data or {})
        doc_id = (data.get("docs") or {}).get(SHIPMENT)
        if doc_id is None:
            continue
        shipment = _document(ctx, doc_id)
        warehouse = opts.plant_warehouses.get(data["plant"])
        if warehouse is None:
            dead_letter(
                ctx, "expect_receipts", key, f"no warehouse for plant {data['plant']}", data
            )
            result.add("dead_letters")
            continue
        try:
            with ctx.sessions() as session:
                body = asn_payload(
                    ctx,
                    session,
                    shipment,
                    po_no=data["po_no"],
                    supplier_id=data["supplier_id"],
                    warehouse=warehouse,
                )
            wms = ctx.systems.rest("wms")
            asn = wms.json(wms.request("POST", "/asns", json=body, entity="expected_receipts"))
        except (MappingRejected, RecordError, ValidationError, ClientError) as exc:
            dead_letter(ctx, "expect_receipts", key, exc, shipment)
            result.add("dead_letters")
            continue
        with ctx.sessions.begin() as session:
            item = session.get(ProcessItem, item_id)
            assert item is not None
            advance(
                item,
                EXPECTED,
                asn_no=asn["asn_no"],
                warehouse=warehouse,
                asn_created_at=asn["created_at"],
                ship_date=shipment.get("ship_date"),
            )
        result.add("asns_created")
    return result
