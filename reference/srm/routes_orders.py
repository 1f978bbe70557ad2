"""Purchase-order endpoints: publication by the hub, supplier acknowledgement and status."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import selectinload

from reference.srm import ordering
from reference.srm.deps import PagingDep, SessionDep
from reference.srm.models import PurchaseOrder, Vendor
from reference.srm.paging import page
from reference.srm.schemas import AckIn, Page, PoIn, PoOut, PoStatus, PoStatusIn
from reference.srm.views import po_out

router = APIRouter(prefix="/purchase-orders", tags=["purchase orders"])


@router.post("", status_code=201, response_model=PoOut)
def publish(session: SessionDep, body: PoIn, response: Response) -> PoOut:
    """Publish a PO; publishing the same number again returns the stored PO with 200."""
    po, created = ordering.publish_po(session, body)
    if not created:
        response.status_code = 200
    return po_out(po)


@router.get("", response_model=Page[PoOut])
def list_orders(
    session: SessionDep,
    paging: PagingDep,
    vendor_id: Annotated[str | None, Query()] = None,
    status: Annotated[PoStatus | None, Query()] = None,
) -> Page[PoOut]:
    """POs in (updated_at, id) order, optionally changed since a time, per vendor or status."""
    where: list[sa.ColumnElement[bool]] = []
    if vendor_id is not None:
        where.append(
            PurchaseOrder.vendor_pk
            == sa.select(Vendor.id).where(Vendor.vendor_id == vendor_id).scalar_subquery()
        )
    if status is not None:
        where.append(PurchaseOrder.status == status)
    rows, total = page(
        session,
        PurchaseOrder,
        updated_since=paging.updated_since,
        offset=paging.offset,
        limit=paging.limit,
        where=where,
        options=[selectinload(PurchaseOrder.lines), selectinload(PurchaseOrder.vendor)],
    )
    return Page(
        data=[po_out(po) for po in rows], offset=paging.offset, limit=paging.limit, total=total
    )


@router.get("/{po_number}", response_model=PoOut)
def read_order(session: SessionDep, po_number: str) -> PoOut:
    """One PO with its lines and the supplier's acknowledgement."""
    return po_out(ordering.get_po(session, po_number))


@router.post("/{po_number}/acknowledgement", response_model=PoOut)
def acknowledge(session: SessionDep, po_number: str, body: AckIn) -> PoOut:
    """The supplier acknowledges the PO line by line (SENT -> ACKNOWLEDGED)."""
    po = ordering.acknowledge(ordering.get_po(session, po_number), body)
    session.commit()
    return po_out(po)


@router.post("/{po_number}/status", response_model=PoOut)
def change_status(session: SessionDep, po_number: str, body: PoStatusIn) -> PoOut:
    """Report shipping, invoicing or closing of the PO; illegal moves are 409."""
    po = ordering.change_po_status(ordering.get_po(session, po_number), body)
    session.commit()
    return po_out(po)
