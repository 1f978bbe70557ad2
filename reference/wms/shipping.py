"""Outbound: shipment requests through allocate, pick, pack and ship (or cancel)."""

from __future__ import annotations

import os
from collections import Counter as Tally
from datetime import UTC, datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.wms.common import next_value, request_hash
from reference.wms.errors import WmsError, conflict, invalid, not_found, replay_mismatch
from reference.wms.ledger import MovementSpec, post, require_item
from reference.wms.models import (
    NO_LOT,
    Package,
    PickTask,
    Shipment,
    ShipmentLine,
    Warehouse,
    utcnow,
)
from reference.wms.schemas_docs import (
    PackageOut,
    PackIn,
    PackLineIn,
    PickTaskOut,
    ShipIn,
    ShipmentIn,
    ShipmentLineOut,
    ShipmentOut,
    ShipTo,
)
from reference.wms.sscc import build_sscc
from reference.wms.stock import fefo_candidates

# action -> (states it may start from, state it leads to)
TRANSITIONS: Final[dict[str, tuple[frozenset[str], str]]] = {
    "allocate": (frozenset({"REQUESTED"}), "ALLOCATED"),
    "pick": (frozenset({"ALLOCATED"}), "PICKED"),
    "pack": (frozenset({"PICKED"}), "PACKED"),
    "ship": (frozenset({"PACKED"}), "SHIPPED"),
    "cancel": (frozenset({"REQUESTED", "ALLOCATED"}), "CANCELLED"),
}
DEFAULT_COMPANY_PREFIX = "4012345"


def company_prefix() -> str:
    """The GS1 company prefix SSCCs are built from (REF_WMS_GS1_PREFIX overrides it)."""
    return os.environ.get("REF_WMS_GS1_PREFIX", DEFAULT_COMPANY_PREFIX)


def _begin(shipment: Shipment, action: str) -> str:
    """The state ``action`` leads to, or 409 when the shipment's state does not allow it."""
    sources, target = TRANSITIONS[action]
    if shipment.status not in sources:
        raise conflict(
            "illegal_transition",
            f"shipment {shipment.shp_no} is {shipment.status}; cannot {action} "
            f"(allowed from {', '.join(sorted(sources))})",
            status=shipment.status,
            action=action,
        )
    return target


def create_shipment(session: Session, body: ShipmentIn) -> tuple[Shipment, bool]:
    """Record a shipment request; the same (whse, order_ref) and content is a replay."""
    digest = request_hash(body)
    existing = session.scalar(
        sa.select(Shipment).where(Shipment.whse == body.whse, Shipment.order_ref == body.order_ref)
    )
    if existing is not None:
        if existing.req_hash != digest:
            raise replay_mismatch("shipment for order", body.order_ref)
        return existing, False
    if session.get(Warehouse, body.whse) is None:
        raise invalid("whse", f"unknown warehouse {body.whse!r}", "unknown_warehouse")
    for i, line in enumerate(body.lines):
        require_item(session, line.item_code, f"lines[{i}].item_code")
    now = utcnow()
    shipment = Shipment(
        shp_no=f"SHP{next_value(session, 'shipment'):07d}",
        order_ref=body.order_ref,
        whse=body.whse,
        status="REQUESTED",
        ship_to=body.ship_to.model_dump(),
        req_hash=digest,
        created_at=now,
        updated_at=now,
    )
    session.add(shipment)
    session.flush()
    session.add_all(
        ShipmentLine(
            shp_no=shipment.shp_no, line_no=line.line_no, item_code=line.item_code, qty=line.qty
        )
        for line in body.lines
    )
    session.flush()
    return shipment, True


def get_shipment(session: Session, shp_no: str, *, lock: bool = False) -> Shipment:
    shipment = session.get(Shipment, shp_no, with_for_update=lock)
    if shipment is None:
        raise not_found("shipment", shp_no)
    return shipment


def _lines(session: Session, shp_no: str) -> list[ShipmentLine]:
    stmt = sa.select(ShipmentLine).where(ShipmentLine.shp_no == shp_no)
    return list(session.scalars(stmt.order_by(ShipmentLine.line_no)).all())


def _tasks(session: Session, shp_no: str, status: str | None = None) -> list[PickTask]:
    stmt = sa.select(PickTask).where(PickTask.shp_no == shp_no)
    if status is not None:
        stmt = stmt.where(PickTask.status == status)
    return list(session.scalars(stmt.order_by(PickTask.id)).all())


def allocate(session: Session, shipment: Shipment, user: str) -> None:
    """Reserve every line in full, FEFO by lot then FIFO, as one pick task per loc and lot.

    All or nothing: when any line cannot be covered the whole request is refused and the
    shipment stays REQUESTED.
    """
    target = _begin(shipment, "allocate")
    for line in _lines(session, shipment.shp_no):
        remaining = line.qty
        for stock in fefo_candidates(session, shipment.whse, line.item_code):
            if remaining == 0:
                break
            take = min(remaining, stock.on_hand - stock.allocated)
            task = PickTask(
                shp_no=shipment.shp_no,
                line_no=line.line_no,
                item_code=line.item_code,
                loc=stock.loc,
                lot_no=stock.lot_no,
                qty=take,
                status="OPEN",
            )
            session.add(task)
            session.flush()
            post(
                session,
                f"shipment/{shipment.shp_no}/allocate/{task.id}",
                MovementSpec(
                    mvt_type="allocate",
                    reason_code="ALC",
                    whse=shipment.whse,
                    loc=stock.loc,
                    item_code=line.item_code,
                    lot_no=stock.lot_no,
                    qty=0,
                    alloc_qty=take,
                    ref_type="shipment",
                    ref_no=shipment.shp_no,
                ),
                user,
            )
            remaining -= take
        if remaining:
            raise WmsError(
                409,
                "insufficient_stock",
                f"item {line.item_code} in {shipment.whse}: {line.qty - remaining} of "
                f"{line.qty} available for line {line.line_no}",
                details={
                    "item_code": line.item_code,
                    "whse": shipment.whse,
                    "line_no": line.line_no,
                    "requested": line.qty,
                    "available": line.qty - remaining,
                },
            )
    _move(shipment, target)


def pick(session: Session, shipment: Shipment, user: str) -> None:
    """Confirm every open pick task: stock leaves its location and its reservation."""
    target = _begin(shipment, "pick")
    for task in _tasks(session, shipment.shp_no, "OPEN"):
        post(
            session,
            f"shipment/{shipment.shp_no}/pick/{task.id}",
            MovementSpec(
                mvt_type="pick",
                reason_code="PCK",
                whse=shipment.whse,
                loc=task.loc,
                item_code=task.item_code,
                lot_no=task.lot_no,
                qty=-task.qty,
                alloc_qty=-task.qty,
                ref_type="shipment",
                ref_no=shipment.shp_no,
            ),
            user,
        )
        task.status = "PICKED"
    _move(shipment, target)


def pack(session: Session, shipment: Shipment, body: PackIn) -> None:
    """Put what was picked into packages, each labelled with a fresh SSCC.

    The packages must hold exactly what was picked, per item and lot.
    """
    target = _begin(shipment, "pack")
    picked: Tally[tuple[str, str]] = Tally()
    for task in _tasks(session, shipment.shp_no, "PICKED"):
        picked[(task.item_code, task.lot_no)] += task.qty
    if body.packages is None:
        contents = [[(item, lot, qty) for (item, lot), qty in sorted(picked.items())]]
    else:
        contents = [
            [(c.item_code, c.lot_no or NO_LOT, c.qty) for c in package.contents]
            for package in body.packages
        ]
        packed: Tally[tuple[str, str]] = Tally()
        for package_lines in contents:
            for item, lot, qty in package_lines:
                packed[(item, lot)] += qty
        if packed != picked:
            raise invalid(
                "packages",
                "packages must hold exactly what was picked: "
                + ", ".join(f"{item}/{lot or '-'}={qty}" for (item, lot), qty in picked.items()),
                code="pack_mismatch",
            )
    prefix = company_prefix()
    for seq, package_lines in enumerate(contents, start=1):
        session.add(
            Package(
                sscc=build_sscc(prefix, next_value(session, "sscc")),
                shp_no=shipment.shp_no,
                seq=seq,
                contents=[
                    {"item_code": item, "lot_no": lot or None, "qty": qty}
                    for item, lot, qty in package_lines
                ],
            )
        )
    session.flush()
    _move(shipment, target)


def ship(session: Session, shipment: Shipment, body: ShipIn) -> None:
    target = _begin(shipment, "ship")
    shipment.carrier = body.carrier
    shipment.tracking_no = body.tracking_no
    shipment.ship_date = body.ship_date or datetime.now(UTC).date()
    _move(shipment, target)


def cancel(session: Session, shipment: Shipment, user: str) -> None:
    """Cancel before picking; any reservation is released."""
    target = _begin(shipment, "cancel")
    for task in _tasks(session, shipment.shp_no, "OPEN"):
        post(
            session,
            f"shipment/{shipment.shp_no}/deallocate/{task.id}",
            MovementSpec(
                mvt_type="deallocate",
                reason_code="DAL",
                whse=shipment.whse,
                loc=task.loc,
                item_code=task.item_code,
                lot_no=task.lot_no,
                qty=0,
                alloc_qty=-task.qty,
                ref_type="shipment",
                ref_no=shipment.shp_no,
            ),
            user,
        )
        task.status = "CANCELLED"
    _move(shipment, target)


def _move(shipment: Shipment, status: str) -> None:
    shipment.status = status
    shipment.updated_at = utcnow()


def shipment_out(session: Session, shipment: Shipment) -> ShipmentOut:
    packages = session.scalars(
        sa.select(Package).where(Package.shp_no == shipment.shp_no).order_by(Package.seq)
    ).all()
    return ShipmentOut(
        shp_no=shipment.shp_no,
        order_ref=shipment.order_ref,
        whse=shipment.whse,
        status=shipment.status,
        ship_to=ShipTo.model_validate(shipment.ship_to),
        lines=[
            ShipmentLineOut(line_no=line.line_no, item_code=line.item_code, qty=line.qty)
            for line in _lines(session, shipment.shp_no)
        ],
        pick_tasks=[
            PickTaskOut(
                task_id=task.id,
                line_no=task.line_no,
                item_code=task.item_code,
                loc=task.loc,
                lot_no=task.lot_no or None,
                qty=task.qty,
                status=task.status,
            )
            for task in _tasks(session, shipment.shp_no)
        ],
        packages=[
            PackageOut(
                sscc=p.sscc,
                seq=p.seq,
                contents=[PackLineIn.model_validate(c) for c in p.contents],
            )
            for p in packages
        ],
        carrier=shipment.carrier,
        tracking_no=shipment.tracking_no,
        ship_date=shipment.ship_date,
        created_at=shipment.created_at,
        updated_at=shipment.updated_at,
    )
