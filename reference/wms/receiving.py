"""Inbound: expected receipts (ASNs) and receipts against them, with their discrepancies."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.wms.codes import DISCREPANCY_REASONS
from reference.wms.common import request_hash
from reference.wms.errors import conflict, invalid, not_found, replay_mismatch
from reference.wms.ledger import MovementSpec, ensure_lot, post, require_item, require_location
from reference.wms.models import (
    NO_LOT,
    Asn,
    AsnLine,
    Discrepancy,
    Receipt,
    ReceiptLine,
    Warehouse,
    utcnow,
)
from reference.wms.schemas_docs import (
    AsnIn,
    AsnLineOut,
    AsnOut,
    DiscrepancyOut,
    ReceiptIn,
    ReceiptLineIn,
    ReceiptLineOut,
    ReceiptOut,
)


def create_asn(session: Session, body: AsnIn) -> tuple[Asn, bool]:
    """Record an ASN; the same ``asn_no`` with the same content is a replay."""
    digest = request_hash(body)
    existing = session.get(Asn, body.asn_no)
    if existing is not None:
        if existing.req_hash != digest:
            raise replay_mismatch("asn", body.asn_no)
        return existing, False
    if session.get(Warehouse, body.whse) is None:
        raise invalid("whse", f"unknown warehouse {body.whse!r}", "unknown_warehouse")
    for i, line in enumerate(body.lines):
        item = require_item(session, line.item_code, f"lines[{i}].item_code")
        if line.lot_no is not None and not item.lot_tracked:
            raise invalid(f"lines[{i}].lot_no", f"item {item.item_code} is not lot-tracked")
    now = utcnow()
    asn = Asn(
        asn_no=body.asn_no,
        po_ref=body.po_ref,
        supplier_code=body.supplier_code,
        whse=body.whse,
        expected_date=body.expected_date,
        status="OPEN",
        req_hash=digest,
        created_at=now,
        updated_at=now,
    )
    session.add(asn)
    session.flush()
    session.add_all(
        AsnLine(
            asn_no=body.asn_no,
            line_no=line.line_no,
            item_code=line.item_code,
            qty=line.qty,
            lot_no=line.lot_no,
            expiry_date=line.expiry_date,
            sscc=line.sscc,
        )
        for line in body.lines
    )
    session.flush()
    return asn, True


def get_asn(session: Session, asn_no: str) -> Asn:
    asn = session.get(Asn, asn_no)
    if asn is None:
        raise not_found("asn", asn_no)
    return asn


def asn_out(session: Session, asn: Asn) -> AsnOut:
    lines = session.scalars(
        sa.select(AsnLine).where(AsnLine.asn_no == asn.asn_no).order_by(AsnLine.line_no)
    ).all()
    return AsnOut(
        asn_no=asn.asn_no,
        po_ref=asn.po_ref,
        supplier_code=asn.supplier_code,
        whse=asn.whse,
        expected_date=asn.expected_date,
        status=asn.status,
        lines=[
            AsnLineOut(
                line_no=line.line_no,
                item_code=line.item_code,
                qty=line.qty,
                lot_no=line.lot_no,
                expiry_date=line.expiry_date,
                sscc=line.sscc,
            )
            for line in lines
        ],
        created_at=asn.created_at,
        updated_at=asn.updated_at,
    )


def _discrepancy_reason(kind: str, given: str | None, field: str) -> str:
    allowed = DISCREPANCY_REASONS[kind]
    if given is None:
        return allowed[0]
    if given not in allowed:
        raise invalid(field, f"{given!r} is not a reason for a {kind.lower()} line ({allowed})")
    return given


def receive(session: Session, asn_no: str, body: ReceiptIn, user: str) -> tuple[Receipt, bool]:
    """Receive an ASN once: post good quantities, record short, over and damaged lines.

    Damaged units are recorded and refused (they never enter stock); lines the body
    leaves out were not delivered at all and count as short.
    """
    digest = request_hash(body)
    existing = session.get(Receipt, body.receipt_no)
    if existing is not None:
        if existing.req_hash != digest or existing.asn_no != asn_no:
            raise replay_mismatch("receipt", body.receipt_no)
        return existing, False
    asn = get_asn(session, asn_no)
    if asn.status != "OPEN":
        raise conflict(
            "illegal_transition",
            f"asn {asn_no} is {asn.status}; only an OPEN asn can be received",
            status=asn.status,
        )
    require_location(session, asn.whse, body.loc)
    expected = {
        line.line_no: line
        for line in session.scalars(sa.select(AsnLine).where(AsnLine.asn_no == asn_no))
    }
    given: dict[int, tuple[int, ReceiptLineIn]] = {}
    for i, line in enumerate(body.lines):
        if line.line_no not in expected:
            raise invalid(f"lines[{i}].line_no", f"asn {asn_no} has no line {line.line_no}")
        given[line.line_no] = (i, line)

    now = utcnow()
    receipt = Receipt(
        receipt_no=body.receipt_no,
        asn_no=asn_no,
        whse=asn.whse,
        loc=body.loc,
        received_by=user,
        req_hash=digest,
        received_at=now,
    )
    session.add(receipt)
    session.flush()
    for line_no, asn_line in sorted(expected.items()):
        index, got = given.get(line_no, (-1, ReceiptLineIn(line_no=line_no, received_qty=0)))
        prefix = f"lines[{index}]" if index >= 0 else f"asn line {line_no}"
        lot_no = got.lot_no or asn_line.lot_no or NO_LOT
        item = require_item(session, asn_line.item_code, f"{prefix}.item_code")
        movement_id: int | None = None
        if got.received_qty > 0:
            ensure_lot(
                session, item, lot_no, got.expiry_date or asn_line.expiry_date, f"{prefix}.lot_no"
            )
            movement, _ = post(
                session,
                f"receipt/{body.receipt_no}/{line_no}",
                MovementSpec(
                    mvt_type="receipt",
                    reason_code="RCV",
                    whse=asn.whse,
                    loc=body.loc,
                    item_code=asn_line.item_code,
                    lot_no=lot_no,
                    qty=got.received_qty,
                    ref_type="receipt",
                    ref_no=body.receipt_no,
                ),
                user,
            )
            movement_id = movement.id
        session.add(
            ReceiptLine(
                receipt_no=body.receipt_no,
                line_no=line_no,
                item_code=asn_line.item_code,
                lot_no=lot_no or None,
                expected_qty=asn_line.qty,
                received_qty=got.received_qty,
                damaged_qty=got.damaged_qty,
                movement_id=movement_id,
            )
        )
        delivered = got.received_qty + got.damaged_qty
        kinds: list[tuple[str, int]] = []
        if delivered < asn_line.qty:
            kinds.append(("SHORT", asn_line.qty - delivered))
        elif delivered > asn_line.qty:
            kinds.append(("OVER", delivered - asn_line.qty))
        if got.damaged_qty:
            kinds.append(("DAMAGED", got.damaged_qty))
        for kind, qty in kinds:
            reason = (
                _discrepancy_reason(kind, got.reason_code, f"{prefix}.reason_code")
                if kind != "DAMAGED"
                else "DMG"
            )
            session.add(
                Discrepancy(
                    receipt_no=body.receipt_no,
                    line_no=line_no,
                    kind=kind,
                    qty=qty,
                    reason_code=reason,
                )
            )
    asn.status = "RECEIVED"
    asn.updated_at = now
    session.flush()
    return receipt, True


def get_receipt(session: Session, receipt_no: str) -> Receipt:
    receipt = session.get(Receipt, receipt_no)
    if receipt is None:
        raise not_found("receipt", receipt_no)
    return receipt


def receipt_out(session: Session, receipt: Receipt) -> ReceiptOut:
    lines = session.scalars(
        sa.select(ReceiptLine)
        .where(ReceiptLine.receipt_no == receipt.receipt_no)
        .order_by(ReceiptLine.line_no)
    ).all()
    found = session.scalars(
        sa.select(Discrepancy)
        .where(Discrepancy.receipt_no == receipt.receipt_no)
        .order_by(Discrepancy.id)
    ).all()
    return ReceiptOut(
        receipt_no=receipt.receipt_no,
        asn_no=receipt.asn_no,
        whse=receipt.whse,
        loc=receipt.loc,
        lines=[
            ReceiptLineOut(
                line_no=line.line_no,
                item_code=line.item_code,
                lot_no=line.lot_no,
                expected_qty=line.expected_qty,
                received_qty=line.received_qty,
                damaged_qty=line.damaged_qty,
                movement_id=line.movement_id,
            )
            for line in lines
        ],
        discrepancies=[
            DiscrepancyOut.model_validate(
                {"line_no": d.line_no, "kind": d.kind, "qty": d.qty, "reason_code": d.reason_code}
            )
            for d in found
        ],
        received_by=receipt.received_by,
        received_at=receipt.received_at,
    )
