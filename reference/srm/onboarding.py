"""Vendor onboarding: the status state machine, its history, and certificates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from reference.kit.coltypes import utcnow
from reference.kit.errors import ApiError, not_found
from reference.srm.models import Certificate, Vendor, VendorStatusChange
from reference.srm.schemas import CertificateIn, StatusChangeIn, VendorIn

# Where each status may go next; BLOCKED is final.
TRANSITIONS: dict[str, frozenset[str]] = {
    "PROSPECT": frozenset({"APPROVED"}),
    "APPROVED": frozenset({"SUSPENDED", "BLOCKED"}),
    "SUSPENDED": frozenset({"APPROVED", "BLOCKED"}),
    "BLOCKED": frozenset(),
}
REQUIRED_CERTIFICATE = "ISO9001"


def today() -> date:
    """The current UTC date, against which certificates expire."""
    return datetime.now(UTC).date()


def vendor_code(pk: int) -> str:
    """The public id of the vendor with primary key ``pk``."""
    return f"V-{pk:06d}"


def get_vendor(session: Session, vendor_id: str) -> Vendor:
    """The vendor ``V-...`` with its certificates, or a 404."""
    vendor = session.scalar(
        sa.select(Vendor)
        .where(Vendor.vendor_id == vendor_id)
        .options(selectinload(Vendor.certificates))
    )
    if vendor is None:
        raise not_found("vendor", vendor_id)
    return vendor


def create_vendor(session: Session, data: VendorIn, actor: str) -> Vendor:
    """A new vendor in PROSPECT, with the first history entry."""
    if data.buyer_ref is not None and session.scalar(
        sa.select(Vendor.id).where(Vendor.buyer_ref == data.buyer_ref)
    ):
        raise ApiError(
            409,
            "duplicate_buyer_ref",
            f"a vendor with buyer_ref {data.buyer_ref} exists",
            "buyer_ref",
        )
    vendor = Vendor(**data.model_dump(), status="PROSPECT")
    session.add(vendor)
    session.flush()
    vendor.vendor_id = vendor_code(vendor.id)
    session.add(
        VendorStatusChange(
            vendor_pk=vendor.id,
            from_status=None,
            to_status="PROSPECT",
            reason="registered",
            actor=actor,
        )
    )
    return vendor


def change_status(session: Session, vendor: Vendor, change: StatusChangeIn) -> Vendor:
    """Move ``vendor`` to a new status if the state machine allows it, else 409."""
    if change.status not in TRANSITIONS[vendor.status]:
        raise ApiError(
            409,
            "illegal_transition",
            f"vendor {vendor.vendor_id} cannot go from {vendor.status} to {change.status}",
            "status",
        )
    session.add(
        VendorStatusChange(
            vendor_pk=vendor.id,
            from_status=vendor.status,
            to_status=change.status,
            reason=change.reason,
            actor=change.actor,
        )
    )
    vendor.status = change.status
    vendor.updated_at = utcnow()
    return vendor


def status_history(session: Session, vendor: Vendor) -> list[VendorStatusChange]:
    """The vendor's status changes, oldest first."""
    return list(
        session.scalars(
            sa.select(VendorStatusChange)
            .where(VendorStatusChange.vendor_pk == vendor.id)
            .order_by(VendorStatusChange.changed_at, VendorStatusChange.id)
        )
    )


def put_certificate(session: Session, vendor: Vendor, data: CertificateIn) -> Certificate:
    """Add or update a certificate (keyed by type and number); the vendor counts as changed."""
    cert = next(
        (c for c in vendor.certificates if c.cert_type == data.type and c.number == data.number),
        None,
    )
    if cert is None:
        cert = Certificate(
            vendor_pk=vendor.id,
            cert_type=data.type,
            number=data.number,
            issued=data.issued,
            valid_until=data.valid_until,
        )
        session.add(cert)
        vendor.certificates.append(cert)
    else:
        cert.issued = data.issued
        cert.valid_until = data.valid_until
        cert.updated_at = utcnow()
    vendor.updated_at = utcnow()
    return cert


def ordering_block(vendor: Vendor, on: date | None = None) -> ApiError | None:
    """Why ``vendor`` may not receive a purchase order today, or None if it may."""
    day = on or today()
    if vendor.status != "APPROVED":
        return ApiError(
            409,
            "vendor_not_approved",
            f"vendor {vendor.vendor_id} is {vendor.status}; only APPROVED vendors take orders",
            "vendor_id",
        )
    required = [c for c in vendor.certificates if c.cert_type == REQUIRED_CERTIFICATE]
    if not required:
        return ApiError(
            409,
            "certificate_missing",
            f"vendor {vendor.vendor_id} has no {REQUIRED_CERTIFICATE} certificate",
            "vendor_id",
        )
    best = max(required, key=lambda c: c.valid_until)
    if best.valid_until < day:
        return ApiError(
            409,
            "certificate_expired",
            f"{REQUIRED_CERTIFICATE} certificate {best.number} of vendor {vendor.vendor_id} "
            f"expired on {best.valid_until.isoformat()}",
            "vendor_id",
        )
    return None
