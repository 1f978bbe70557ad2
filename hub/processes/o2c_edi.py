"""Order to cash with retail partners over EDI: 850 in, 855/856/810 out, their 997s matched."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from canonical import Invoice, Order
from canonical.types import PartyRef
from connectors.errors import ConnectorError
from connectors.soap.records import plain
from hub.edi.archive import LocalArchive
from hub.edi.exchange import open_connector
from hub.edi.inbound import InboundExchange
from hub.edi.outbound import OutboundError, OutboundExchange, queue_document
from hub.edi.partner import PartnerProfile, iter_profiles
from hub.processes.framework import ProcessContext, StepResult
from hub.processes.o2c_common import (
    DONE,
    EDI_SENT,
    INVOICED,
    PROCESS,
    RECEIVED,
    NotMapped,
    dead_letter,
    item_key,
    mapped,
    mapping,
    soap_part,
)
from hub.processes.o2c_documents import order_acceptance, partner_invoice, ship_notice
from hub.processes.o2c_parties import OrderParties
from hub.store.edi_documents import iter_documents, mark_document
from hub.store.models import EdiDocument, EdiInterchange, ProcessItem
from hub.store.process_items import advance, get_item, items_at, track_item
from mappings import MappingError

log = logging.getLogger(__name__)

ACCEPTED = frozenset({"accepted", "accepted_with_errors"})


def retail_partners(ctx: ProcessContext) -> dict[str, PartnerProfile]:
    """The retail customers among the partner profiles, by id."""
    return {p.id: p for p in iter_profiles(ctx.partners) if p.role == "retail_customer"}


def _archive(ctx: ProcessContext) -> LocalArchive:
    return LocalArchive(ctx.data_dir / "edi" / "archive")


def exchange(
    ctx: ProcessContext,
    profiles: Iterable[PartnerProfile],
    result: StepResult,
    *,
    receive: bool,
    send: bool,
) -> None:
    """Receive from and/or send to each partner's mailbox (option ``o2c.edi_exchange``)."""
    if not ctx.options.get("o2c.edi_exchange", True):
        return
    for profile in profiles:
        try:
            with open_connector(profile) as sftp:
                if receive:
                    files = InboundExchange(profile, ctx.sessions, sftp, _archive(ctx)).run()
                    result.add("edi_files_in", len(files))
                if send:
                    sent = OutboundExchange(profile, ctx.sessions, sftp, _archive(ctx)).run()
                    result.add("edi_out", len(sent))
        except Exception as exc:
            # A partner's mailbox being down delays its documents; the others go on.
            result.notes.append(f"{profile.id}: mailbox unavailable ({type(exc).__name__})")
            log.warning("order to cash: %s mailbox unavailable: %s", profile.id, exc)


def _queue(session: Session, profile: PartnerProfile, doc_type: str, document: Any) -> int | None:
    try:
        return queue_document(session, profile, doc_type, document).id
    except OutboundError as exc:
        log.info("order to cash: %s not sent to %s: %s", doc_type, profile.id, exc)
        return None


def _oms_native(ctx: ProcessContext, session: Session, order: Order, hub_customer: str) -> Any:
    edi_order = order.model_copy(
        update={"customer": PartyRef(hub_id=hub_customer), "channel": "edi", "status": "pending"}
    )
    native = mapped(mapping(ctx, "oms", "order", OrderParties(ctx, session)).to_native(edi_order))
    return native


def _intake_one(
    ctx: ProcessContext, session: Session, doc: EdiDocument, profile: PartnerProfile
) -> str:
    """One pending partner order into the OMS, its 855 queued; returns the outcome."""
    order = Order.model_validate(doc.canonical)
    hub_customer = OrderParties(ctx, session).partner_customer(profile.id, order.customer)
    if hub_customer is None:
        raise LookupError(
            f"no customer linked to {profile.id}'s buyer "
            f"{order.customer.gln or order.customer.name} (xref system edi:{profile.id})"
        )
    native = _oms_native(ctx, session, order, hub_customer)
    oms = ctx.systems.rest("oms")
    response = oms.request("POST", "/orders", entity="orders", json=native)
    created = oms.json(response)
    key = item_key("EDI", order.order_number)
    item, _ = track_item(
        session,
        PROCESS,
        key,
        stage=RECEIVED,
        run_key=ctx.run_key,
        data={
            "oms_id": created["id"],
            "channel": "EDI",
            "partner": profile.id,
            "po_number": order.order_number,
            "edi_order": doc.id,
            "buyer": order.customer.model_dump(mode="json", exclude_none=True),
            "ship_to": (order.ship_to or order.customer).model_dump(mode="json", exclude_none=True),
        },
    )
    if "ack_855" not in (item.data or {}):
        ack = order_acceptance(order, profile, ctx.clock())
        advance(
            item, item.stage, ack_855=_queue(session, profile, "purchase_order_confirmation", ack)
        )
    mark_document(session, doc.id, "processed")
    return "created" if response.status_code == 201 else "existing"


def intake_edi_orders(ctx: ProcessContext) -> StepResult:
    """Partners' pending 850/ORDERS documents -> OMS orders (channel EDI) -> 855 queued."""
    result = StepResult()
    partners = retail_partners(ctx)
    exchange(ctx, partners.values(), result, receive=True, send=False)
    with ctx.sessions() as session:
        pending = [
            (d.id, d.partner)
            for d in iter_documents(session, direction="in", status="pending", doc_type="order")
            if d.partner in partners
        ]
    for doc_id, partner in pending:
        with ctx.sessions.begin() as session:
            doc = session.get(EdiDocument, doc_id)
            if doc is None or doc.status != "pending":
                continue
            try:
                with session.begin_nested():
                    outcome = _intake_one(ctx, session, doc, partners[partner])
            except (ValidationError, LookupError, ConnectorError, MappingError, NotMapped) as exc:
                dead_letter(session, "intake_edi_orders", exc, doc.canonical, doc.reference)
                mark_document(session, doc_id, "failed", error=f"{type(exc).__name__}: {exc}")
                result.add("dead_letters")
                continue
            result.add("edi_in")
            result.add("orders_created" if outcome == "created" else "orders_existing")
    exchange(ctx, partners.values(), result, receive=False, send=True)
    return result


def _erp_invoice(ctx: ProcessContext, session: Session, number: str) -> Invoice:
    erp = ctx.systems.soap("erp")
    native = soap_part(
        plain(erp.call("GetInvoice", {"InvoiceNo": number}, entity="invoices")), "Invoice"
    )
    model = mapped(mapping(ctx, "erp", "invoice", OrderParties(ctx, session)).to_model(native))
    assert isinstance(model, Invoice)
    return model


def _documents_for(
    ctx: ProcessContext, session: Session, item: ProcessItem, profile: PartnerProfile
) -> dict[str, int | None]:
    """Queue the 856s and the 810 of one invoiced EDI order (and its 855 if never queued)."""
    data = item.data or {}
    po_number = str(data["po_number"])
    buyer = PartyRef.model_validate(data["buyer"])
    ship_to = PartyRef.model_validate(data["ship_to"])
    docs: dict[str, int | None] = {}
    if data.get("ack_855") is None and data.get("edi_order") is not None:
        source = session.get(EdiDocument, data["edi_order"])
        if source is None:
            raise LookupError(f"EDI order document {data['edi_order']} is gone")
        order = Order.model_validate(source.canonical)
        ack = order_acceptance(order, profile, ctx.clock())
        docs["ack_855"] = _queue(session, profile, "purchase_order_confirmation", ack)
    wms = ctx.systems.rest("wms")
    for shp_no in data.get("shipments", {}).values():
        shipment = wms.json(wms.request("GET", f"/shipments/{shp_no}", entity="shipment_requests"))
        notice = ship_notice(shipment, po_number, profile, ship_to)
        docs[f"asn_{shp_no}"] = _queue(session, profile, "shipment", notice)
    bill = partner_invoice(_erp_invoice(ctx, session, data["invoice"]), po_number, profile, buyer)
    docs["invoice_810"] = _queue(session, profile, "invoice", bill)
    return docs


def edi_outbound(ctx: ProcessContext) -> StepResult:
    """Invoiced EDI orders -> 856 per shipment and 810 to the partner; others are done."""
    result = StepResult()
    partners = retail_partners(ctx)
    with ctx.sessions() as session:
        keys = [item.item_key for item in items_at(session, PROCESS, INVOICED)]
    touched: dict[str, PartnerProfile] = {}
    for key in keys:
        with ctx.sessions.begin() as session:
            item = get_item(session, PROCESS, key)
            if item is None or item.stage != INVOICED:
                continue
            partner = (item.data or {}).get("partner")
            if partner is None:
                advance(item, DONE, status="done")
                result.add("orders_completed")
                continue
            profile = partners.get(partner)
            if profile is None:
                dead_letter(session, "edi_outbound", f"no profile for {partner}", item.data, key)
                result.add("dead_letters")
                continue
            try:
                with session.begin_nested():
                    docs = _documents_for(ctx, session, item, profile)
            except (ConnectorError, ValidationError, LookupError, MappingError, NotMapped) as exc:
                dead_letter(session, "edi_outbound", exc, item.data, key)
                result.add("dead_letters")
                continue
            advance(item, EDI_SENT, edi_docs=docs)
            result.add("edi_documents_queued", sum(1 for d in docs.values() if d is not None))
            touched[profile.id] = profile
    exchange(ctx, touched.values(), result, receive=False, send=True)
    return result


def _doc_ids(item: ProcessItem) -> list[int]:
    data = item.data or {}
    ids = [data.get("ack_855"), *(data.get("edi_docs") or {}).values()]
    return [int(i) for i in ids if i is not None]


def reconcile_acks(ctx: ProcessContext) -> StepResult:
    """Match the partners' 997s to what we sent; waits for acks not yet due."""
    result = StepResult()
    partners = retail_partners(ctx)
    with ctx.sessions() as session:
        waiting_on = {
            str((item.data or {}).get("partner")) for item in items_at(session, PROCESS, EDI_SENT)
        }
    active = [p for pid, p in partners.items() if pid in waiting_on]
    exchange(ctx, active, result, receive=True, send=True)  # 997s in; retry unsent documents
    now = datetime.now(UTC)
    with ctx.sessions.begin() as session:
        for item in items_at(session, PROCESS, EDI_SENT):
            states = []
            for doc_id in _doc_ids(item):
                doc = session.get(EdiDocument, doc_id)
                row = session.get(EdiInterchange, doc.interchange_id) if doc else None
                if doc is None or doc.status == "failed":
                    states.append("failed")
                elif row is None:
                    states.append("unsent")
                elif row.ack_status in ACCEPTED or row.ack_status is None:
                    states.append("accepted")
                elif row.ack_status in ("rejected", "partially_accepted"):
                    states.append("rejected")
                elif row.ack_due_at is not None and _aware(row.ack_due_at) < now:
                    states.append("overdue")
                else:
                    states.append("pending")
            if "pending" in states or "unsent" in states:
                result.add("waiting")
                continue
            result.add("acks", states.count("accepted"))
            result.add("acks_rejected", states.count("rejected"))
            result.add("acks_overdue", states.count("overdue"))
            if {"rejected", "failed", "overdue"} & set(states):
                dead_letter(
                    session, "reconcile_acks", f"documents {states}", item.data, item.item_key
                )
                advance(item, EDI_SENT, status="failed", ack_states=states)
                result.add("dead_letters")
            else:
                advance(item, DONE, status="done", ack_states=states)
                result.add("orders_completed")
    return result


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
