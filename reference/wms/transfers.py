"""Transfers between warehouses: out of the source on creation, into the target on receipt."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.wms.common import request_hash
from reference.wms.errors import conflict, invalid, not_found, replay_mismatch
from reference.wms.ledger import MovementSpec, post, require_location
from reference.wms.models import NO_LOT, Transfer, TransferLine, Warehouse, utcnow
from reference.wms.schemas_docs import TransferIn, TransferLineOut, TransferOut


def create_transfer(session: Session, body: TransferIn, user: str) -> tuple[Transfer, bool]:
    """Dispatch a transfer: each line leaves its source location (transfer_out)."""
    digest = request_hash(body)
    existing = session.get(Transfer, body.xfer_no)
    if existing is not None:
        if existing.req_hash != digest:
            raise replay_mismatch("transfer", body.xfer_no)
        return existing, False
    for field in ("from_whse", "to_whse"):
        code = getattr(body, field)
        if session.get(Warehouse, code) is None:
            raise invalid(field, f"unknown warehouse {code!r}", "unknown_warehouse")
    if body.from_whse == body.to_whse:
        raise invalid("to_whse", "a transfer goes to another warehouse")
    now = utcnow()
    transfer = Transfer(
        xfer_no=body.xfer_no,
        from_whse=body.from_whse,
        to_whse=body.to_whse,
        status="IN_TRANSIT",
        req_hash=digest,
        created_at=now,
        updated_at=now,
    )
    session.add(transfer)
    session.flush()
    for i, line in enumerate(body.lines):
        require_location(session, body.from_whse, line.from_loc, f"lines[{i}].from_loc")
        lot_no = line.lot_no or NO_LOT
        session.add(
            TransferLine(
                xfer_no=body.xfer_no,
                line_no=line.line_no,
                item_code=line.item_code,
                from_loc=line.from_loc,
                lot_no=lot_no,
                qty=line.qty,
            )
        )
        post(
            session,
            f"transfer/{body.xfer_no}/out/{line.line_no}",
            MovementSpec(
                mvt_type="transfer_out",
                reason_code="TRO",
                whse=body.from_whse,
                loc=line.from_loc,
                item_code=line.item_code,
                lot_no=lot_no,
                qty=-line.qty,
                ref_type="transfer",
                ref_no=body.xfer_no,
            ),
            user,
        )
    session.flush()
    return transfer, True


def get_transfer(session: Session, xfer_no: str) -> Transfer:
    transfer = session.get(Transfer, xfer_no)
    if transfer is None:
        raise not_found("transfer", xfer_no)
    return transfer


def _lines(session: Session, xfer_no: str) -> list[TransferLine]:
    stmt = sa.select(TransferLine).where(TransferLine.xfer_no == xfer_no)
    return list(session.scalars(stmt.order_by(TransferLine.line_no)).all())


def receive_transfer(session: Session, transfer: Transfer, loc: str, user: str) -> bool:
    """Book the transfer into ``loc`` of the target (transfer_in); False when already done."""
    if transfer.status == "RECEIVED":
        if transfer.to_loc != loc:
            raise conflict(
                "illegal_transition",
                f"transfer {transfer.xfer_no} was already received into {transfer.to_loc}",
                status=transfer.status,
            )
        return False
    require_location(session, transfer.to_whse, loc)
    for line in _lines(session, transfer.xfer_no):
        post(
            session,
            f"transfer/{transfer.xfer_no}/in/{line.line_no}",
            MovementSpec(
                mvt_type="transfer_in",
                reason_code="TRI",
                whse=transfer.to_whse,
                loc=loc,
                item_code=line.item_code,
                lot_no=line.lot_no,
                qty=line.qty,
                ref_type="transfer",
                ref_no=transfer.xfer_no,
            ),
            user,
        )
    transfer.status = "RECEIVED"
    transfer.to_loc = loc
    transfer.updated_at = utcnow()
    return True


def transfer_out(session: Session, transfer: Transfer) -> TransferOut:
    return TransferOut(
        xfer_no=transfer.xfer_no,
        from_whse=transfer.from_whse,
        to_whse=transfer.to_whse,
        status=transfer.status,
        to_loc=transfer.to_loc,
        lines=[
            TransferLineOut(
                line_no=line.line_no,
                item_code=line.item_code,
                from_loc=line.from_loc,
                lot_no=line.lot_no or None,
                qty=line.qty,
            )
            for line in _lines(session, transfer.xfer_no)
        ],
        created_at=transfer.created_at,
        updated_at=transfer.updated_at,
    )
