"""Procure to pay, steps 1-4: reorder proposals -> requisitions -> OA approval or closed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from connectors.errors import ClientError, ConnectorError
from connectors.soap.records import as_records, plain
from hub.processes.framework import ProcessContext, StepResult
from hub.processes.p2p_common import (
    APPROVED,
    CLOSED,
    ERP_SALES,
    PENDING_APPROVAL,
    PROCESS_NAME,
    REJECTED,
    REQUISITIONED,
    Options,
    dead_letter,
    erp_call,
    iter_items,
    log,
    oa_decision_comment,
    oa_instance,
    oa_json,
    open_requisition_exists,
    requisition_key,
    single,
)
from hub.store.models import ProcessItem
from hub.store.process_items import advance, track_item

CENT = Decimal("0.01")
PURCHASE_DEFINITION = "purchase"


def _vendor(
    ctx: ProcessContext, cache: dict[str, dict[str, Any]], vendor_no: str
) -> dict[str, Any]:
    if vendor_no not in cache:
        cache[vendor_no] = single(erp_call(ctx, "GetVendor", {"VendorNo": vendor_no}), "Vendor")
    return cache[vendor_no]


def _prices(
    ctx: ProcessContext, wanted: set[str], price_list: str
) -> dict[tuple[str, str], Decimal]:
    """(material, currency) -> unit price in ``price_list``, for the wanted materials only.

    The reference ERP keeps no purchasing info records; the price list (by default the
    list price PL01) is the only price it holds per material and currency.
    """
    found: dict[tuple[str, str], Decimal] = {}
    for item in _items(ctx):
        if item.get("MaterialNo") not in wanted:
            continue
        for price in as_records(item.get("Price")):
            if price.get("PriceList") == price_list:
                unit = Decimal(int(price.get("PriceUnit") or 1))
                found[(item["MaterialNo"], price["Currency"])] = Decimal(price["Amount"]) / unit
    return found


def _items(ctx: ProcessContext) -> Iterator[dict[str, Any]]:
    """Every ERP material, a page at a time (the sales service holds the price lists)."""
    soap = ctx.systems.soap(ERP_SALES)
    token: str | None = None
    while True:
        payload: dict[str, Any] = {
            "ChangedSince": datetime(2000, 1, 1, tzinfo=UTC),
            "MaxRecords": 500,
        }
        if token:
            payload["ContinuationToken"] = token
        page = plain(soap.call("GetItemsChangedSince", payload))
        yield from as_records(page.get("Item"))
        token = page.get("ContinuationToken")
        if not token:
            return


def requisitions(ctx: ProcessContext) -> StepResult:
    """ERP reorder proposals -> one requisition per (material, suggested vendor)."""
    opts = Options.of(ctx)
    result = StepResult()
    answer = erp_call(ctx, "GetReorderProposals", {"Plant": opts.plant})
    planning_date = date.fromisoformat(answer["PlanningDate"])
    proposals = []
    for proposal in as_records(answer.get("Proposal")):
        if proposal.get("ProposalType") != "PURCHASE":
            result.add("production_proposals")  # made in house; components come exploded
            continue
        if opts.materials is not None and proposal["MaterialNo"] not in opts.materials:
            continue
        vendor_no = proposal.get("SuggestedVendor")
        if opts.vendors is not None and vendor_no not in opts.vendors:
            continue
        if not vendor_no:
            dead_letter(
                ctx,
                "requisitions",
                proposal["MaterialNo"],
                "no unblocked vendor in the source list",
                proposal,
            )
            result.add("dead_letters")
            continue
        proposals.append(proposal)
    if not proposals:
        return result
    prices = _prices(ctx, {p["MaterialNo"] for p in proposals}, opts.price_list)
    vendors: dict[str, dict[str, Any]] = {}
    for proposal in proposals:
        material, vendor_no = proposal["MaterialNo"], proposal["SuggestedVendor"]
        key = requisition_key(opts.plant, material, vendor_no, planning_date)
        try:
            vendor = _vendor(ctx, vendors, vendor_no)
        except ConnectorError as exc:
            dead_letter(ctx, "requisitions", key, exc, proposal)
            result.add("dead_letters")
            continue
        currency = vendor.get("Currency") or "EUR"
        price = prices.get((material, currency))
        if price is None:
            message = f"no {opts.price_list} price for {material} in {currency}"
            dead_letter(ctx, "requisitions", key, message, proposal)
            result.add("dead_letters")
            continue
        quantity = Decimal(proposal["Quantity"])
        unit_price = price.quantize(CENT, ROUND_HALF_UP)
        amount = (quantity * unit_price).quantize(CENT, ROUND_HALF_UP)
        data = {
            "plant": opts.plant,
            "material": material,
            "vendor_no": vendor_no,
            "supplier_ref": vendor.get("ExternalRef"),
            "quantity": str(quantity),
            "unit": proposal.get("Unit") or "ST",
            "unit_price": str(unit_price),
            "currency": currency,
            "amount": str(amount),
            "delivery_date": proposal["DeliveryDate"],
            "reason": proposal.get("Reason"),
            "required_for": list(proposal.get("RequiredFor") or []),
            "planning_date": planning_date.isoformat(),
        }
        with ctx.sessions.begin() as session:
            if open_requisition_exists(session, opts.plant, material, vendor_no):
                result.add("requisitions_open")
                continue
            _, created = track_item(
                session, PROCESS_NAME, key, stage=REQUISITIONED, run_key=ctx.run_key, data=data
            )
        result.add("requisitions_created" if created else "requisitions_known")
    return result


def request_approvals(ctx: ProcessContext) -> StepResult:
    """Requisitions above the threshold -> OA ``purchase``; the others approved directly."""
    opts = Options.of(ctx)
    result = StepResult()
    for item_id in iter_items(ctx, REQUISITIONED):
        with ctx.sessions.begin() as session:
            item = session.get(ProcessItem, item_id)
            assert item is not None
            data, key = dict(item.data), item.item_key
        amount = Decimal(data["amount"])
        if amount <= opts.threshold:
            with ctx.sessions.begin() as session:
                item = session.get(ProcessItem, item_id)
                assert item is not None
                advance(item, APPROVED, approval="not_required")
            result.add("po_approved")
            continue
        body = {
            "businessKey": key,
            "variables": {
                "amount": {"value": str(amount), "type": "String"},
                "currency": {"value": data["currency"], "type": "String"},
                "requester": {"value": opts.requester, "type": "String"},
                "subjectRef": {"value": data["material"], "type": "String"},
                "details": {
                    "value": {
                        "material": data["material"],
                        "vendor": data["vendor_no"],
                        "quantity": data["quantity"],
                        "unitPrice": data["unit_price"],
                        "plant": data["plant"],
                        "reason": data.get("reason"),
                    },
                    "type": "Json",
                },
            },
        }
        try:
            started = oa_json(
                ctx, "POST", f"/process-definitions/{PURCHASE_DEFINITION}/start", json=body
            )
        except ClientError as exc:
            # e.g. a currency the OA definition does not take: a person must look at it.
            dead_letter(ctx, "request_approvals", key, exc, body)
            with ctx.sessions.begin() as session:
                item = session.get(ProcessItem, item_id)
                assert item is not None
                advance(item, REQUISITIONED, status="failed", error=str(exc))
            result.add("dead_letters")
            continue
        with ctx.sessions.begin() as session:
            item = session.get(ProcessItem, item_id)
            assert item is not None
            advance(item, PENDING_APPROVAL, approval="pending", oa_instance=started["id"])
        result.add("approvals_requested")
    return result


def await_approvals(ctx: ProcessContext) -> StepResult:
    """Waits for the OA decisions; approved and rejected requisitions move on."""
    result = StepResult()
    result.counts["waiting"] = 0
    for item_id in iter_items(ctx, PENDING_APPROVAL):
        with ctx.sessions() as session:
            item = session.get(ProcessItem, item_id)
            assert item is not None
            key = item.item_key
        instance = oa_instance(ctx, PURCHASE_DEFINITION, key)
        status = instance["status"] if instance else "MISSING"
        if status == "ACTIVE":
            result.add("waiting")
            continue
        if status not in ("APPROVED", "REJECTED") or instance is None:
            log.warning("requisition %s: OA instance is %s", key, status)
            result.add("waiting")
            continue
        who, comment = oa_decision_comment(ctx, instance["id"])
        with ctx.sessions.begin() as session:
            item = session.get(ProcessItem, item_id)
            assert item is not None
            if status == "APPROVED":
                advance(
                    item, APPROVED, approval="approved", approved_by=who, approval_comment=comment
                )
                result.add("po_approved")
            else:
                advance(
                    item, REJECTED, approval="rejected", rejected_by=who, approval_comment=comment
                )
                result.add("requisitions_rejected")
    return result


def close_rejected(ctx: ProcessContext) -> StepResult:
    """Rejected requisitions are closed, keeping the approver's comment."""
    result = StepResult()
    for item_id in iter_items(ctx, REJECTED):
        with ctx.sessions.begin() as session:
            item = session.get(ProcessItem, item_id)
            assert item is not None
            comment = (item.data or {}).get("approval_comment") or "rejected in OA"
            advance(item, CLOSED, status="closed", closed_reason=f"rejected: {comment}")
        result.add("requisitions_closed")
    return result
