"""The movement ledger: the only way stock changes, with its projection kept in step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.wms.codes import MOVEMENT_REASONS
from reference.wms.errors import WmsError, conflict, invalid, replay_mismatch
from reference.wms.models import NO_LOT, Item, Location, Lot, Movement, Stock, utcnow


@dataclass(frozen=True)
class MovementSpec:
    """What a movement does: ``qty`` changes on hand, ``alloc_qty`` changes allocated."""

    mvt_type: str
    reason_code: str
    whse: str
    loc: str
    item_code: str
    lot_no: str  # NO_LOT when the stock carries no lot
    qty: int
    alloc_qty: int = 0
    ref_type: str | None = None
    ref_no: str | None = None
    note: str | None = None

    def same_as(self, row: Movement) -> bool:
        return (
            row.mvt_type,
            row.reason_code,
            row.whse,
            row.loc,
            row.item_code,
            row.lot_no,
            row.qty,
            row.alloc_qty,
        ) == (
            self.mvt_type,
            self.reason_code,
            self.whse,
            self.loc,
            self.item_code,
            self.lot_no,
            self.qty,
            self.alloc_qty,
        )


def stock_key_text(item_code: str, whse: str, loc: str, lot_no: str) -> str:
    lot = lot_no or "(no lot)"
    return f"item {item_code} at {whse}/{loc} lot {lot}"


def require_item(session: Session, item_code: str, field: str = "item_code") -> Item:
    item = session.get(Item, item_code)
    if item is None:
        raise invalid(field, f"unknown item {item_code!r}", code="unknown_item")
    return item


def require_location(session: Session, whse: str, loc: str, field: str = "loc") -> Location:
    location = session.get(Location, (whse, loc))
    if location is None:
        raise invalid(field, f"unknown location {loc!r} in warehouse {whse!r}", "unknown_location")
    return location


def check_lot(item: Item, lot_no: str, field: str = "lot_no") -> None:
    """Lot-tracked items move only with a lot; other items never carry one."""
    if item.lot_tracked and lot_no == NO_LOT:
        raise invalid(field, f"item {item.item_code} is lot-tracked; a lot_no is required")
    if not item.lot_tracked and lot_no != NO_LOT:
        raise invalid(field, f"item {item.item_code} is not lot-tracked; lot_no must be null")


def ensure_lot(
    session: Session, item: Item, lot_no: str, expiry: date | None, field: str = "lot_no"
) -> None:
    """Create the lot on its first receipt; an expiry may be set once, never changed."""
    check_lot(item, lot_no, field)
    if lot_no == NO_LOT:
        return
    lot = session.get(Lot, (item.item_code, lot_no))
    if lot is None:
        if expiry is None and item.shelf_life_days:
            expiry = datetime.now(UTC).date() + timedelta(days=item.shelf_life_days)
        session.add(Lot(item_code=item.item_code, lot_no=lot_no, expiry_date=expiry))
        session.flush()
    elif expiry is not None and lot.expiry_date is None:
        lot.expiry_date = expiry
    elif expiry is not None and lot.expiry_date != expiry:
        raise conflict(
            "lot_expiry_mismatch",
            f"lot {lot_no} of item {item.item_code} expires {lot.expiry_date}, not {expiry}",
            item_code=item.item_code,
            lot_no=lot_no,
        )


def post(session: Session, key: str, spec: MovementSpec, user: str) -> tuple[Movement, bool]:
    """Append a movement unless ``key`` was used before; returns (movement, created).

    A repeated key with the same content returns the original movement and changes
    nothing; with different content it is refused. Refuses any movement that would take
    on hand below zero, allocated below zero, or allocated above on hand.
    """
    existing = session.scalar(sa.select(Movement).where(Movement.idem_key == key))
    if existing is not None:
        if not spec.same_as(existing):
            raise replay_mismatch("movement", key)
        return existing, False
    if spec.reason_code not in MOVEMENT_REASONS.get(spec.mvt_type, frozenset()):
        allowed = ", ".join(sorted(MOVEMENT_REASONS.get(spec.mvt_type, frozenset())))
        raise invalid(
            "reason_code",
            f"{spec.reason_code!r} is not a reason for {spec.mvt_type} (allowed: {allowed})",
            code="invalid_reason_code",
        )
    item = require_item(session, spec.item_code)
    require_location(session, spec.whse, spec.loc)
    check_lot(item, spec.lot_no)
    if spec.lot_no != NO_LOT and session.get(Lot, (spec.item_code, spec.lot_no)) is None:
        raise invalid("lot_no", f"unknown lot {spec.lot_no!r} of item {spec.item_code}")

    pk = (spec.whse, spec.loc, spec.item_code, spec.lot_no)
    stock = session.get(Stock, pk, with_for_update=True)
    on_hand = (stock.on_hand if stock else 0) + spec.qty
    allocated = (stock.allocated if stock else 0) + spec.alloc_qty
    where = stock_key_text(spec.item_code, spec.whse, spec.loc, spec.lot_no)
    details = {
        "item_code": spec.item_code,
        "whse": spec.whse,
        "loc": spec.loc,
        "lot_no": spec.lot_no or None,
    }
    if on_hand < 0:
        have = stock.on_hand if stock else 0
        raise WmsError(
            409,
            "negative_stock",
            f"{where}: on hand {have}, movement of {spec.qty} would leave {on_hand}",
            details={**details, "on_hand": have, "qty": spec.qty},
        )
    if allocated < 0:
        raise conflict("negative_allocation", f"{where}: allocated would become {allocated}")
    if allocated > on_hand:
        available = (stock.on_hand - stock.allocated) if stock else 0
        raise WmsError(
            409,
            "insufficient_available",
            f"{where}: available {available}, allocated stock cannot be moved",
            details={**details, "available": available},
        )

    now = utcnow()
    movement = Movement(
        idem_key=key,
        mvt_type=spec.mvt_type,
        reason_code=spec.reason_code,
        whse=spec.whse,
        loc=spec.loc,
        item_code=spec.item_code,
        lot_no=spec.lot_no,
        qty=spec.qty,
        alloc_qty=spec.alloc_qty,
        ref_type=spec.ref_type,
        ref_no=spec.ref_no,
        note=spec.note,
        created_by=user,
        created_at=now,
    )
    session.add(movement)
    session.flush()
    if stock is None:
        session.add(
            Stock(
                whse=spec.whse,
                loc=spec.loc,
                item_code=spec.item_code,
                lot_no=spec.lot_no,
                on_hand=on_hand,
                allocated=allocated,
                first_mvt_id=movement.id,
                updated_at=now,
            )
        )
    else:
        stock.on_hand = on_hand
        stock.allocated = allocated
        stock.updated_at = now
    session.flush()
    return movement, True
