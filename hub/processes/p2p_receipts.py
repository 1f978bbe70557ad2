"""Procure to pay, steps 10-14: WMS receipt -> ERP goods receipt -> 810 3-way match -> scorecard."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from connectors.errors import ClientError
from connectors.soap.faults import SoapClientFault
from connectors.soap.records import as_records
from hub.processes.framework import ProcessContext, StepResult
from hub.processes.p2p_canonical import MappingRejected, invoice_payload
from hub.processes.p2p_common import (
    CLOSED,
    EXCEPTION,
    EXPECTED,
    MATCHED,
    RECEIVED,
    Options,
    dead_letter,
    erp_call,
    get_erp_po,
    iter_items,
    oa_decision_comment,
    oa_instance,
    oa_json,
    single,
    srm_json,
)
from hub.processes.p2p_supplier import INVOICE
from hub.store.edi_documents import get_document
from hub.store.models import ProcessItem
from hub.store.process_items import advance
from mappings import RecordError

EXCEPTION_DEFINITION = "invoice_exception"
# SRM PO statuses in lifecycle order, to move a PO only forwards.
SRM_ORDER = ("SENT", "ACKNOWLEDGED", "PARTIALLY_SHIPPED", "SHIPPED", "INVOICED", "CLOSED")


def _load(ctx: ProcessContext, item_id: int) -> tuple[str, dict[str, Any]]:
    with ctx.sessions() as session:
        item = session.get(ProcessItem, item_id)
        assert item is not None
        return item.item_key, dict(item.data or {})


def _advance(ctx: ProcessContext, item_id: int, stage: str, **data: Any) -> None:
    status = data.pop("status", None)
    with ctx.sessions.begin() as session:
        item = session.get(ProcessItem, item_id)
        assert item is not None
        advance(item, stage, status=status, **data)


def _wms(ctx: ProcessContext, path: str, **params: Any) -> Any:
    wms = ctx.systems.rest("wms")
    return wms.json(wms.request("GET", path, params=params or None))


def _receipt_of(ctx: ProcessContext, asn_no: str, since: str) -> dict[str, Any] | None:
    """The WMS receipt of an ASN: receipts made since the ASN was announced, paged."""
    page = 1
    while True:
        answer = _wms(ctx, "/receipts", since=since, page=page, page_size=200)
        for receipt in answer["items"]:
            if receipt["asn_no"] == asn_no:
                found: dict[str, Any] = receipt
                return found
        if page >= int(answer.get("total_pages") or 1):
            return None
        page += 1


def await_receipts(ctx: ProcessContext) -> StepResult:
    """Waits until the warehouse has received each expected receipt (ASN)."""
    result = StepResult()
    result.counts["waiting"] = 0
    for item_id in iter_items(ctx, EXPECTED):
        _, data = _load(ctx, item_id)
        asn = _wms(ctx, f"/asns/{data['asn_no']}")
        if asn["status"] != "RECEIVED":
            result.add("waiting")
    return result


def post_receipts(ctx: ProcessContext) -> StepResult:
    """WMS receipts -> ERP PostGoodsReceipt (good units; shortages and damage recorded)."""
    result = StepResult()
    for item_id in iter_items(ctx, EXPECTED):
        key, data = _load(ctx, item_id)
        asn = _wms(ctx, f"/asns/{data['asn_no']}")
        if asn["status"] != "RECEIVED":
            continue
        receipt = _receipt_of(ctx, data["asn_no"], data["asn_created_at"])
        if receipt is None:
            continue  # the list lags the ASN status: next run
        erp_po = get_erp_po(ctx, data["po_no"])
        po_items = {i["MaterialNo"]: int(i["ItemNo"]) for i in erp_po["Item"]}
        quantities: dict[int, Decimal] = {}
        damaged = expected = 0
        for line in receipt["lines"]:
            po_item = po_items.get(line["item_code"])
            damaged += int(line["damaged_qty"])
            expected += int(line["expected_qty"])
            if po_item is not None:
                quantities[po_item] = quantities.get(po_item, Decimal(0)) + line["received_qty"]
        received = sum(quantities.values(), Decimal(0))
        payload = {
            "PurchaseOrderNo": data["po_no"],
            "ExternalRef": receipt["receipt_no"],
            "DeliveryNote": data["asn_no"],
            "PostingDate": receipt["received_at"][:10],
            "Item": [{"PoItemNo": n, "Quantity": q} for n, q in quantities.items() if q > 0],
        }
        discrepancies = [
            {"line": d["line_no"], "kind": d["kind"], "qty": d["qty"], "reason": d["reason_code"]}
            for d in receipt.get("discrepancies", [])
        ]
        gr_no = None
        if payload["Item"]:
            try:
                answer = erp_call(ctx, "PostGoodsReceipt", payload, entity="goods_receipts")
            except SoapClientFault as exc:
                # OVER_RECEIPT and the like: the ERP names the item; a buyer must decide.
                dead_letter(ctx, "post_receipts", key, exc, payload)
                _advance(ctx, item_id, EXPECTED, status="failed", receipt_error=exc.message)
                result.add("dead_letters")
                continue
            gr_no = answer["GoodsReceipt"]["GoodsReceiptNo"]
        _advance(
            ctx,
            item_id,
            RECEIVED,
            receipt_no=receipt["receipt_no"],
            gr_no=gr_no,
            received_qty=str(received),
            damaged_qty=damaged,
            expected_qty=expected,
            received_at=receipt["received_at"],
            discrepancies=discrepancies,
        )
        result.add("po_received")
    return result


def match_invoices(ctx: ProcessContext) -> StepResult:
    """810 / INVOIC -> ERP PostSupplierInvoice; the 3-way match result goes on the item."""
    result = StepResult()
    for item_id in iter_items(ctx, RECEIVED):
        key, data = _load(ctx, item_id)
        doc_id = (data.get("docs") or {}).get(INVOICE)
        if doc_id is None:
            continue
        with ctx.sessions() as session:
            invoice = get_document(session, doc_id).canonical
        erp_po = get_erp_po(ctx, data["po_no"])
        po_items = {i["MaterialNo"]: int(i["ItemNo"]) for i in erp_po["Item"]}
        try:
            with ctx.sessions() as session:
                payload = invoice_payload(
                    ctx,
                    session,
                    invoice,
                    po_no=data["po_no"],
                    supplier_id=data["supplier_id"],
                    po_items=po_items,
                )
            answer = erp_call(ctx, "PostSupplierInvoice", payload, entity="supplier_invoices")
        except (MappingRejected, RecordError, ValidationError, SoapClientFault) as exc:
            dead_letter(ctx, "match_invoices", key, exc, invoice)
            _advance(ctx, item_id, RECEIVED, status="failed", invoice_error=str(exc))
            result.add("dead_letters")
            continue
        match = answer["MatchResult"]
        lines = [
            {
                "po_item": line["PoItemNo"],
                "status": line["MatchStatus"],
                "reasons": list(line.get("ReasonCode") or []),
            }
            for line in as_records(match.get("Item"))
        ]
        stage = MATCHED if match["MatchStatus"] == "MATCHED" else EXCEPTION
        _advance(
            ctx,
            item_id,
            stage,
            invoice_doc_no=match["InvoiceDocNo"],
            invoice_number=match["Reference"],
            invoice_amount=str(match["NetAmount"]),
            match_status=match["MatchStatus"],
            payment_status=match["PaymentStatus"],
            match_lines=lines,
        )
        result.add("po_matched" if stage == MATCHED else "match_exceptions")
    return result


def escalate_exceptions(ctx: ProcessContext) -> StepResult:
    """Match exceptions -> OA ``invoice_exception``; an approved one is released in the ERP."""
    opts = Options.of(ctx)
    result = StepResult()
    for item_id in iter_items(ctx, EXCEPTION):
        key, data = _load(ctx, item_id)
        business_key = f"IE-{data['invoice_doc_no']}"
        instance = oa_instance(ctx, EXCEPTION_DEFINITION, business_key)
        if instance is None:
            reasons = sorted({r for line in data.get("match_lines", []) for r in line["reasons"]})
            body = {
                "businessKey": business_key,
                "variables": {
                    "amount": {"value": data["invoice_amount"], "type": "String"},
                    "currency": {"value": data["currency"], "type": "String"},
                    "requester": {"value": opts.requester, "type": "String"},
                    "subjectRef": {"value": data["po_no"], "type": "String"},
                    "details": {
                        "value": {
                            "invoiceDocNo": data["invoice_doc_no"],
                            "invoice": data["invoice_number"],
                            "purchaseOrder": data["po_no"],
                            "vendor": data["vendor_no"],
                            "reasons": reasons,
                            "lines": data.get("match_lines", []),
                        },
                        "type": "Json",
                    },
                },
            }
            try:
                started = oa_json(
                    ctx, "POST", f"/process-definitions/{EXCEPTION_DEFINITION}/start", json=body
                )
            except ClientError as exc:
                dead_letter(ctx, "escalate_exceptions", key, exc, body)
                _advance(ctx, item_id, EXCEPTION, status="failed", exception_error=str(exc))
                result.add("dead_letters")
                continue
            _advance(ctx, item_id, EXCEPTION, exception_instance=started["id"])
            result.add("exceptions_escalated")
            continue
        if instance["status"] == "ACTIVE":
            result.add("exceptions_open")
            continue
        who, comment = oa_decision_comment(ctx, instance["id"])
        if instance["status"] == "REJECTED":
            reason = f"invoice exception rejected by {who}: {comment}"
            dead_letter(
                ctx, "escalate_exceptions", key, reason, {"invoice": data["invoice_doc_no"]}
            )
            _advance(
                ctx,
                item_id,
                EXCEPTION,
                status="failed",
                exception_decision="rejected",
                exception_comment=comment,
            )
            result.add("exceptions_rejected")
            continue
        current = erp_call(ctx, "GetMatchResult", {"InvoiceDocNo": data["invoice_doc_no"]})
        if single(current, "MatchResult")["PaymentStatus"] != "RELEASED":
            text = f"approved in OA by {who}: {comment}"[:255]
            erp_call(
                ctx,
                "ApproveMatchException",
                {"InvoiceDocNo": data["invoice_doc_no"], "Comment": text},
            )
        _advance(
            ctx,
            item_id,
            MATCHED,
            payment_status="RELEASED",
            exception_decision="approved",
            exception_approved_by=who,
            exception_comment=comment,
        )
        result.add("exceptions_approved")
    return result


def _srm_move(ctx: ProcessContext, po_no: str, target: str, **extra: Any) -> bool:
    """Move the SRM PO forward to ``target`` (never backwards); True if it moved."""
    current = srm_json(ctx, "GET", f"/purchase-orders/{po_no}")["status"]
    if SRM_ORDER.index(current) >= SRM_ORDER.index(target):
        return False
    srm_json(ctx, "POST", f"/purchase-orders/{po_no}/status", json={"status": target, **extra})
    return True


def _day(value: str | None) -> date | None:
    if not value:
        return None
    return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)


def update_scorecards(ctx: ProcessContext) -> StepResult:
    """Received POs -> SRM delivery event (scorecard) and SRM status SHIPPED/INVOICED/CLOSED."""
    result = StepResult()
    for item_id in iter_items(ctx, (RECEIVED, MATCHED, EXCEPTION)):
        _, data = _load(ctx, item_id)
        po_no = data["po_no"]
        if not data.get("delivery_event"):
            _delivery_event(ctx, item_id, data)
            result.add("scorecards_updated")
        if _srm_move(ctx, po_no, "SHIPPED"):
            result.add("srm_shipped")
        if data.get("invoice_doc_no") and _srm_move(
            ctx,
            po_no,
            "INVOICED",
            invoice_number=data["invoice_number"],
            invoice_amount=data["invoice_amount"],
        ):
            result.add("srm_invoiced")
        matched = data.get("payment_status") == "RELEASED"
        if matched and _srm_move(ctx, po_no, "CLOSED"):
            result.add("srm_closed")
        if matched:
            _advance(ctx, item_id, CLOSED, status="done", closed_reason="received, matched, paid")
            result.add("po_closed")
    return result


def _delivery_event(ctx: ProcessContext, item_id: int, data: dict[str, Any]) -> None:
    """Promised vs delivered date and quantity, and rejected (damaged) units, to the SRM."""
    confirmed = data.get("confirmed") or {}
    dates = [c["date"] for c in confirmed.values() if c.get("date")]
    promised = _day(min(dates)) if dates else _day(data.get("delivery_date"))
    delivered = _day(data.get("received_at"))
    today = ctx.clock().date()
    damaged = int(data.get("damaged_qty") or 0)
    good = int(Decimal(data.get("received_qty") or 0))
    body = {
        "po_number": data["po_no"],
        "promised_date": (promised or delivered or today).isoformat(),
        "delivered_date": (delivered or today).isoformat(),
        "ordered_qty": int(Decimal(data["quantity"])),
        "delivered_qty": good + damaged,
        "rejected_qty": damaged,
    }
    answer = srm_json(ctx, "POST", f"/vendors/{data['srm_vendor_id']}/delivery-events", json=body)
    _advance(
        ctx, item_id, _stage(ctx, item_id), delivery_event=body, scorecard=answer.get("current")
    )


def _stage(ctx: ProcessContext, item_id: int) -> str:
    with ctx.sessions() as session:
        item = session.get(ProcessItem, item_id)
        assert item is not None
        return item.stage
