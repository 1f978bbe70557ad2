"""Cycle counts: a counted quantity against the books, the difference posted as a movement."""

from __future__ import annotations

from sqlalchemy.orm import Session

from reference.wms.codes import MOVEMENT_REASONS
from reference.wms.common import request_hash
from reference.wms.errors import WmsError, invalid, not_found, replay_mismatch
from reference.wms.ledger import (
    MovementSpec,
    check_lot,
    post,
    require_item,
    require_location,
    stock_key_text,
)
from reference.wms.models import NO_LOT, CycleCount, Stock, utcnow
from reference.wms.schemas_docs import CycleCountIn, CycleCountOut


def record_count(session: Session, body: CycleCountIn, user: str) -> tuple[CycleCount, bool]:
    """Record a count; a variance becomes a cycle_count movement with the count's reason.

    A count below what is allocated there is refused: the reservation must be released
    (its shipment cancelled) before the stock can be written off.
    """
    digest = request_hash(body)
    existing = session.get(CycleCount, body.count_no)
    if existing is not None:
        if existing.req_hash != digest:
            raise replay_mismatch("cycle count", body.count_no)
        return existing, False
    if body.reason_code not in MOVEMENT_REASONS["cycle_count"]:
        allowed = ", ".join(sorted(MOVEMENT_REASONS["cycle_count"]))
        raise invalid("reason_code", f"{body.reason_code!r} is not a count reason ({allowed})")
    item = require_item(session, body.item_code)
    require_location(session, body.whse, body.loc)
    lot_no = body.lot_no or NO_LOT
    check_lot(item, lot_no)
    stock = session.get(Stock, (body.whse, body.loc, body.item_code, lot_no), with_for_update=True)
    system_qty = stock.on_hand if stock else 0
    allocated = stock.allocated if stock else 0
    if body.counted_qty < allocated:
        where = stock_key_text(body.item_code, body.whse, body.loc, lot_no)
        raise WmsError(
            409,
            "count_below_allocated",
            f"{where}: counted {body.counted_qty} but {allocated} allocated",
            details={"allocated": allocated, "counted_qty": body.counted_qty},
        )
    movement_id: int | None = None
    if body.counted_qty != system_qty:
        movement, _ = post(
            session,
            f"count/{body.count_no}",
            MovementSpec(
                mvt_type="cycle_count",
                reason_code=body.reason_code,
                whse=body.whse,
                loc=body.loc,
                item_code=body.item_code,
                lot_no=lot_no,
                qty=body.counted_qty - system_qty,
                ref_type="cycle_count",
                ref_no=body.count_no,
            ),
            user,
        )
        movement_id = movement.id
    count = CycleCount(
        count_no=body.count_no,
        whse=body.whse,
        loc=body.loc,
        item_code=body.item_code,
        lot_no=lot_no,
        system_qty=system_qty,
        counted_qty=body.counted_qty,
        reason_code=body.reason_code,
        movement_id=movement_id,
        counted_by=user,
        req_hash=digest,
        counted_at=utcnow(),
    )
    session.add(count)
    session.flush()
    return count, True


def get_count(session: Session, count_no: str) -> CycleCount:
    count = session.get(CycleCount, count_no)
    if count is None:
        raise not_found("cycle count", count_no)
    return count


def count_out(count: CycleCount) -> CycleCountOut:
    return CycleCountOut(
        count_no=count.count_no,
        whse=count.whse,
        loc=count.loc,
        item_code=count.item_code,
        lot_no=count.lot_no or None,
        system_qty=count.system_qty,
        counted_qty=count.counted_qty,
        variance=count.counted_qty - count.system_qty,
        reason_code=count.reason_code,
        movement_id=count.movement_id,
        counted_by=count.counted_by,
        counted_at=count.counted_at,
    )
