"""Inbound endpoints: ASNs and receipts against them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Response

from reference.wms.auth import Reader, Writer
from reference.wms.deps import Db, aware
from reference.wms.models import Asn, Receipt
from reference.wms.paging import PageParams, fetch_page, page_params
from reference.wms.receiving import (
    asn_out,
    create_asn,
    get_asn,
    get_receipt,
    receipt_out,
    receive,
)
from reference.wms.schemas import PageOut
from reference.wms.schemas_docs import AsnIn, AsnOut, ReceiptIn, ReceiptOut

router = APIRouter(tags=["inbound"])
Paging = Annotated[PageParams, Depends(page_params)]


@router.post("/asns", response_model=AsnOut, status_code=201)
def post_asn(db: Db, _user: Writer, body: AsnIn, response: Response) -> AsnOut:
    """Announce an expected receipt; reposting the same asn_no and content returns it (200)."""
    with db.write() as session:
        asn, created = create_asn(session, body)
        if not created:
            response.status_code = 200
        return asn_out(session, asn)


@router.get("/asns", response_model=PageOut[AsnOut])
def list_asns(
    db: Db,
    _user: Reader,
    paging: Paging,
    updated_since: datetime | None = None,
    status: Literal["OPEN", "RECEIVED"] | None = None,
    whse: str | None = None,
) -> PageOut[AsnOut]:
    since = aware(updated_since, "updated_since")
    with db.read() as session:
        stmt = sa.select(Asn).order_by(Asn.updated_at, Asn.asn_no)
        if since is not None:
            stmt = stmt.where(Asn.updated_at >= since)
        if status is not None:
            stmt = stmt.where(Asn.status == status)
        if whse is not None:
            stmt = stmt.where(Asn.whse == whse)
        return fetch_page(session, stmt, paging, lambda row: asn_out(session, row))


@router.get("/asns/{asn_no}", response_model=AsnOut)
def read_asn(db: Db, _user: Reader, asn_no: str) -> AsnOut:
    with db.read() as session:
        return asn_out(session, get_asn(session, asn_no))


@router.post("/asns/{asn_no}/receipts", response_model=ReceiptOut, status_code=201)
def post_receipt(
    db: Db, user: Writer, asn_no: str, body: ReceiptIn, response: Response
) -> ReceiptOut:
    """Receive an ASN (once): good units are posted, discrepancies recorded."""
    with db.write() as session:
        receipt, created = receive(session, asn_no, body, user.name)
        if not created:
            response.status_code = 200
        return receipt_out(session, receipt)


@router.get("/receipts", response_model=PageOut[ReceiptOut])
def list_receipts(
    db: Db, _user: Reader, paging: Paging, since: datetime | None = None
) -> PageOut[ReceiptOut]:
    """Receipts in (received_at, receipt_no) order; ``since`` is inclusive."""
    lower = aware(since, "since")
    with db.read() as session:
        stmt = sa.select(Receipt).order_by(Receipt.received_at, Receipt.receipt_no)
        if lower is not None:
            stmt = stmt.where(Receipt.received_at >= lower)
        return fetch_page(session, stmt, paging, lambda row: receipt_out(session, row))


@router.get("/receipts/{receipt_no}", response_model=ReceiptOut)
def read_receipt(db: Db, _user: Reader, receipt_no: str) -> ReceiptOut:
    with db.read() as session:
        return receipt_out(session, get_receipt(session, receipt_no))
