"""Inventory control endpoints: transfers between warehouses and cycle counts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Response

from reference.wms.auth import Reader, Writer
from reference.wms.counts import count_out, get_count, record_count
from reference.wms.deps import Db, aware
from reference.wms.models import CycleCount, Transfer
from reference.wms.paging import PageParams, fetch_page, page_params
from reference.wms.schemas import PageOut
from reference.wms.schemas_docs import (
    CycleCountIn,
    CycleCountOut,
    TransferIn,
    TransferOut,
    TransferReceiveIn,
)
from reference.wms.transfers import create_transfer, get_transfer, receive_transfer, transfer_out

router = APIRouter(tags=["inventory"])
Paging = Annotated[PageParams, Depends(page_params)]


@router.post("/transfers", response_model=TransferOut, status_code=201)
def post_transfer(db: Db, user: Writer, body: TransferIn, response: Response) -> TransferOut:
    """Dispatch a transfer (stock leaves the source now); a replay of xfer_no returns it."""
    with db.write() as session:
        transfer, created = create_transfer(session, body, user.name)
        if not created:
            response.status_code = 200
        return transfer_out(session, transfer)


@router.get("/transfers", response_model=PageOut[TransferOut])
def list_transfers(
    db: Db,
    _user: Reader,
    paging: Paging,
    updated_since: datetime | None = None,
    status: Literal["IN_TRANSIT", "RECEIVED"] | None = None,
) -> PageOut[TransferOut]:
    since = aware(updated_since, "updated_since")
    with db.read() as session:
        stmt = sa.select(Transfer).order_by(Transfer.updated_at, Transfer.xfer_no)
        if since is not None:
            stmt = stmt.where(Transfer.updated_at >= since)
        if status is not None:
            stmt = stmt.where(Transfer.status == status)
        return fetch_page(session, stmt, paging, lambda row: transfer_out(session, row))


@router.get("/transfers/{xfer_no}", response_model=TransferOut)
def read_transfer(db: Db, _user: Reader, xfer_no: str) -> TransferOut:
    with db.read() as session:
        return transfer_out(session, get_transfer(session, xfer_no))


@router.post("/transfers/{xfer_no}/receive", response_model=TransferOut)
def post_transfer_receipt(
    db: Db, user: Writer, xfer_no: str, body: TransferReceiveIn
) -> TransferOut:
    """Book an in-transit transfer into a location of the target warehouse (once)."""
    with db.write() as session:
        transfer = get_transfer(session, xfer_no)
        receive_transfer(session, transfer, body.loc, user.name)
        return transfer_out(session, transfer)


@router.post("/cycle-counts", response_model=CycleCountOut, status_code=201)
def post_cycle_count(db: Db, user: Writer, body: CycleCountIn, response: Response) -> CycleCountOut:
    """Record a count; the variance is posted as a cycle_count movement."""
    with db.write() as session:
        count, created = record_count(session, body, user.name)
        if not created:
            response.status_code = 200
        return count_out(count)


@router.get("/cycle-counts", response_model=PageOut[CycleCountOut])
def list_cycle_counts(
    db: Db, _user: Reader, paging: Paging, since: datetime | None = None
) -> PageOut[CycleCountOut]:
    lower = aware(since, "since")
    with db.read() as session:
        stmt = sa.select(CycleCount).order_by(CycleCount.counted_at, CycleCount.count_no)
        if lower is not None:
            stmt = stmt.where(CycleCount.counted_at >= lower)
        return fetch_page(session, stmt, paging, count_out)


@router.get("/cycle-counts/{count_no}", response_model=CycleCountOut)
def read_cycle_count(db: Db, _user: Reader, count_no: str) -> CycleCountOut:
    with db.read() as session:
        return count_out(get_count(session, count_no))
