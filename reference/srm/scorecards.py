"""Supplier scorecards recomputed from recorded delivery events, one row per month."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.kit.errors import invalid
from reference.srm.models import DeliveryEvent, PurchaseOrder, Vendor
from reference.srm.schemas import DeliveryEventIn, ScorecardOut, ScorePeriod

TENTH = Decimal("0.1")


def record_delivery(session: Session, vendor: Vendor, data: DeliveryEventIn) -> DeliveryEvent:
    """Store one delivery of ``vendor`` against one of its POs."""
    po_id = session.scalar(
        sa.select(PurchaseOrder.id).where(
            PurchaseOrder.po_number == data.po_number, PurchaseOrder.vendor_pk == vendor.id
        )
    )
    if po_id is None:
        raise invalid("po_number", f"vendor {vendor.vendor_id} has no PO {data.po_number}")
    event = DeliveryEvent(
        vendor_pk=vendor.id,
        po_id=po_id,
        period=data.delivered_date.strftime("%Y-%m"),
        promised_date=data.promised_date,
        delivered_date=data.delivered_date,
        ordered_qty=data.ordered_qty,
        delivered_qty=data.delivered_qty,
        rejected_qty=data.rejected_qty,
    )
    session.add(event)
    return event


def _pct(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


def scorecard(session: Session, vendor: Vendor) -> ScorecardOut:
    """Per-month on-time %, fill rate % and quality ppm, newest month first."""
    ev = DeliveryEvent
    on_time = sa.func.sum(sa.case((ev.delivered_date <= ev.promised_date, 1), else_=0))
    # Over-delivery does not raise the fill rate above what was ordered.
    filled = sa.func.sum(
        sa.case((ev.delivered_qty > ev.ordered_qty, ev.ordered_qty), else_=ev.delivered_qty)
    )
    rows = session.execute(
        sa.select(
            ev.period,
            sa.func.count(),
            on_time,
            filled,
            sa.func.sum(ev.ordered_qty),
            sa.func.sum(ev.delivered_qty),
            sa.func.sum(ev.rejected_qty),
        )
        .where(ev.vendor_pk == vendor.id)
        .group_by(ev.period)
        .order_by(ev.period.desc())
    ).all()
    history = [
        ScorePeriod(
            period=period,
            deliveries=count,
            on_time_pct=_pct(int(punctual), count),
            fill_rate_pct=_pct(int(fill), int(ordered)),
            quality_ppm=(int(rejected) * 1_000_000 // int(delivered)) if delivered else 0,
            ordered_qty=int(ordered),
            delivered_qty=int(delivered),
            rejected_qty=int(rejected),
        )
        for period, count, punctual, fill, ordered, delivered, rejected in rows
    ]
    assert vendor.vendor_id is not None
    return ScorecardOut(
        vendor_id=vendor.vendor_id, current=history[0] if history else None, history=history
    )
