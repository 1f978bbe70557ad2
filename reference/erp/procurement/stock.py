"""Stock per material and plant: snapshot import (refusing stale ones), receipts, queries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.erp.models.master import Item
from reference.erp.procurement.models import Plant, StockLevel, StockSnapshotState
from reference.erp.soap.faults import SoapFault

MAX_LINES = 5000


@dataclass(frozen=True)
class SnapshotLine:
    """Reported stock of one material in one plant."""

    material_no: str
    plant: str
    unrestricted: Decimal
    allocated: Decimal


@dataclass(frozen=True)
class RejectedLine:
    """A snapshot line that was not applied, and why."""

    index: int
    material_no: str
    plant: str
    code: str
    message: str


@dataclass(frozen=True)
class SnapshotResult:
    """How many lines were applied and which were rejected."""

    applied: int
    rejected: list[RejectedLine]


def check_fresh(session: Session, plants: Iterable[str], sequence: int, as_of: datetime) -> None:
    """Refuse a snapshot older (by sequence or as-of) than the one stored for any plant.

    The same sequence again is accepted: a large snapshot arrives in several pages.
    """
    for plant in sorted(set(plants)):
        state = session.get(StockSnapshotState, plant)
        if state is None:
            continue
        if sequence < state.sequence or as_of < state.as_of:
            raise SoapFault(
                f"stale snapshot for plant {plant}: sequence {sequence} as of "
                f"{as_of.isoformat()} is older than stored sequence {state.sequence} as of "
                f"{state.as_of.isoformat()}",
                code="STALE_SNAPSHOT",
                field="SnapshotSequence",
            )


def import_snapshot(
    session: Session, sequence: int, as_of: datetime, lines: list[SnapshotLine], now: datetime
) -> SnapshotResult:
    """Apply a stock snapshot: each line replaces the stored stock of its material/plant."""
    if len(lines) > MAX_LINES:
        raise SoapFault(f"at most {MAX_LINES} lines per call", code="BATCH_LIMIT", field="Lines")
    if sequence < 0:
        raise SoapFault.validation("SnapshotSequence", "must not be negative")
    known_plants = {p for p in {line.plant for line in lines} if session.get(Plant, p)}
    check_fresh(session, known_plants, sequence, as_of)
    applied = 0
    rejected: list[RejectedLine] = []
    for index, line in enumerate(lines):
        problem = _problem(session, line, known_plants)
        if problem is not None:
            rejected.append(RejectedLine(index, line.material_no, line.plant, *problem))
            continue
        level = session.get(StockLevel, (line.material_no, line.plant))
        if level is None:
            level = StockLevel(material_no=line.material_no, plant=line.plant)
            session.add(level)
        level.unrestricted = line.unrestricted
        level.allocated = line.allocated
        level.as_of = as_of
        level.changed_at = now
        applied += 1
    for plant in known_plants:
        state = session.get(StockSnapshotState, plant)
        if state is None:
            state = StockSnapshotState(plant=plant)
            session.add(state)
        state.sequence = sequence
        state.as_of = as_of
        state.changed_at = now
    session.flush()
    return SnapshotResult(applied, rejected)


def _problem(session: Session, line: SnapshotLine, plants: set[str]) -> tuple[str, str] | None:
    if line.plant not in plants:
        return "NOT_FOUND", f"plant {line.plant!r} not found"
    if session.get(Item, line.material_no) is None:
        return "NOT_FOUND", f"material {line.material_no!r} not found"
    if line.unrestricted < 0 or line.allocated < 0:
        return "VALIDATION", "quantities must not be negative"
    return None


def add_receipt(
    session: Session, material_no: str, plant: str, quantity: Decimal, now: datetime
) -> None:
    """Book received goods into unrestricted stock until the next snapshot replaces it."""
    level = session.get(StockLevel, (material_no, plant))
    if level is None:
        level = StockLevel(
            material_no=material_no,
            plant=plant,
            unrestricted=Decimal(0),
            allocated=Decimal(0),
            as_of=now,
        )
        session.add(level)
    level.unrestricted = level.unrestricted + quantity
    level.changed_at = now


def stock_levels(
    session: Session,
    material_no: str | None = None,
    plant: str | None = None,
    after: tuple[str, str] | None = None,
    max_rows: int = 500,
) -> tuple[list[StockLevel], bool]:
    """One page of stock rows ordered by (material, plant), and whether more remain."""
    stmt = sa.select(StockLevel)
    if material_no is not None:
        stmt = stmt.where(StockLevel.material_no == material_no)
    if plant is not None:
        stmt = stmt.where(StockLevel.plant == plant)
    if after is not None:
        stmt = stmt.where(sa.tuple_(StockLevel.material_no, StockLevel.plant) > sa.tuple_(*after))
    stmt = stmt.order_by(StockLevel.material_no, StockLevel.plant).limit(max_rows + 1)
    rows = list(session.scalars(stmt))
    return rows[:max_rows], len(rows) > max_rows


def available_by_material(session: Session, plant: str | None) -> Iterator[tuple[str, Decimal]]:
    """Unrestricted minus allocated stock per material (over all plants unless one is given)."""
    stmt = sa.select(StockLevel.material_no, StockLevel.unrestricted, StockLevel.allocated)
    if plant is not None:
        stmt = stmt.where(StockLevel.plant == plant)
    stmt = stmt.order_by(StockLevel.material_no)
    # Quantities are exact decimals stored as text, so they are summed here, not in SQL.
    current: str | None = None
    total = Decimal(0)
    for material_no, unrestricted, allocated in session.execute(stmt).yield_per(1000):
        if material_no != current:
            if current is not None:
                yield current, total
            current, total = material_no, Decimal(0)
        total += unrestricted - allocated
    if current is not None:
        yield current, total
