"""Vendor endpoints: master data, onboarding status, certificates, scorecards."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import selectinload

from reference.srm import onboarding, scorecards
from reference.srm.deps import PagingDep, SessionDep
from reference.srm.models import Vendor
from reference.srm.paging import page
from reference.srm.schemas import (
    CertificateIn,
    CertificateOut,
    DeliveryEventIn,
    Page,
    ScorecardOut,
    StatusChangeIn,
    StatusChangeOut,
    VendorIn,
    VendorOut,
    VendorStatus,
)
from reference.srm.views import status_change_out, vendor_out

router = APIRouter(prefix="/vendors", tags=["vendors"])


@router.get("", response_model=Page[VendorOut])
def list_vendors(
    session: SessionDep,
    paging: PagingDep,
    status: Annotated[VendorStatus | None, Query()] = None,
) -> Page[VendorOut]:
    """Vendors in (updated_at, id) order, optionally changed since a time or in one status."""
    where = [] if status is None else [Vendor.status == status]
    rows, total = page(
        session,
        Vendor,
        updated_since=paging.updated_since,
        offset=paging.offset,
        limit=paging.limit,
        where=where,
        options=[selectinload(Vendor.certificates)],
    )
    today = onboarding.today()
    return Page(
        data=[vendor_out(v, today) for v in rows],
        offset=paging.offset,
        limit=paging.limit,
        total=total,
    )


@router.post("", status_code=201, response_model=VendorOut)
def register_vendor(session: SessionDep, body: VendorIn) -> VendorOut:
    """Register a new vendor; it starts as a PROSPECT."""
    vendor = onboarding.create_vendor(session, body, actor="portal-api")
    session.commit()
    return vendor_out(onboarding.get_vendor(session, vendor.vendor_id or ""), onboarding.today())


@router.get("/{vendor_id}", response_model=VendorOut)
def read_vendor(session: SessionDep, vendor_id: str) -> VendorOut:
    """One vendor with its certificates."""
    return vendor_out(onboarding.get_vendor(session, vendor_id), onboarding.today())


@router.post("/{vendor_id}/status", response_model=VendorOut)
def change_vendor_status(session: SessionDep, vendor_id: str, body: StatusChangeIn) -> VendorOut:
    """Move a vendor through onboarding; an illegal move is a 409 naming both states."""
    vendor = onboarding.change_status(session, onboarding.get_vendor(session, vendor_id), body)
    session.commit()
    return vendor_out(vendor, onboarding.today())


@router.get("/{vendor_id}/status-history", response_model=list[StatusChangeOut])
def vendor_status_history(session: SessionDep, vendor_id: str) -> list[StatusChangeOut]:
    """Every status change of the vendor, oldest first, with reason and actor."""
    vendor = onboarding.get_vendor(session, vendor_id)
    return [status_change_out(c) for c in onboarding.status_history(session, vendor)]


@router.get("/{vendor_id}/certificates", response_model=list[CertificateOut])
def list_certificates(session: SessionDep, vendor_id: str) -> list[CertificateOut]:
    """The vendor's certificates, each flagged expired relative to today."""
    vendor = onboarding.get_vendor(session, vendor_id)
    return vendor_out(vendor, onboarding.today()).certificates


@router.put("/{vendor_id}/certificates", response_model=list[CertificateOut])
def put_certificate(
    session: SessionDep, vendor_id: str, body: CertificateIn
) -> list[CertificateOut]:
    """Add a certificate or renew one (same type and number); returns all of them."""
    vendor = onboarding.get_vendor(session, vendor_id)
    onboarding.put_certificate(session, vendor, body)
    session.commit()
    return vendor_out(vendor, onboarding.today()).certificates


@router.post("/{vendor_id}/delivery-events", status_code=201, response_model=ScorecardOut)
def record_delivery(session: SessionDep, vendor_id: str, body: DeliveryEventIn) -> ScorecardOut:
    """Record a delivery against one of the vendor's POs; returns the recomputed scorecard."""
    vendor = onboarding.get_vendor(session, vendor_id)
    scorecards.record_delivery(session, vendor, body)
    session.commit()
    return scorecards.scorecard(session, vendor)


@router.get("/{vendor_id}/scorecard", response_model=ScorecardOut)
def read_scorecard(session: SessionDep, vendor_id: str) -> ScorecardOut:
    """The current (latest month's) scorecard and the history, newest first."""
    return scorecards.scorecard(session, onboarding.get_vendor(session, vendor_id))
