"""Vendor master rules: batch upsert with per-record results, lookups, changed-since."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.erp.procurement import checks
from reference.erp.procurement.models import Vendor
from reference.erp.procurement.numbers import alpha, next_number
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.paging import keyset_page

MAX_BATCH = 500
_VENDOR_NO = re.compile(r"[A-Z0-9]{1,10}")
_TERMS = re.compile(r"[A-Z0-9]{4}")


@dataclass(frozen=True)
class VendorData:
    """One vendor as sent to UpsertVendors; ``vendor_no`` None lets the ERP number it."""

    name1: str
    country_key: str
    payment_terms_key: str
    vendor_no: str | None = None
    vat_reg_no: str | None = None
    posting_block: bool | None = None
    currency: str | None = None
    external_ref: str | None = None


@dataclass(frozen=True)
class UpsertResult:
    """What happened to one record of a batch."""

    index: int
    status: str  # CREATED, UPDATED, UNCHANGED or ERROR
    vendor_no: str | None = None
    external_ref: str | None = None
    error_code: str | None = None
    error_field: str | None = None
    message: str | None = None


def validate(data: VendorData) -> VendorData:
    """Check one vendor record; the fault names the offending field."""
    if data.vendor_no is not None and not _VENDOR_NO.fullmatch(data.vendor_no):
        raise SoapFault.validation("VendorNo", "must be 1-10 upper-case letters or digits")
    if not data.name1.strip() or len(data.name1) > 80:
        raise SoapFault.validation("Name1", "must be 1-80 characters")
    checks.country(data.country_key)
    if not _TERMS.fullmatch(data.payment_terms_key):
        raise SoapFault.validation("PaymentTermsKey", "must be 4 letters or digits, e.g. Z030")
    if data.vat_reg_no is not None and len(data.vat_reg_no) > 20:
        raise SoapFault.validation("VatRegNo", "longer than 20 characters")
    if data.currency is not None:
        checks.currency(data.currency)
    if data.external_ref is not None and len(data.external_ref) > 40:
        raise SoapFault.validation("ExternalRef", "longer than 40 characters")
    return data


def _find(session: Session, data: VendorData) -> Vendor | None:
    by_ref = None
    if data.external_ref is not None:
        by_ref = session.scalars(
            sa.select(Vendor).where(Vendor.external_ref == data.external_ref)
        ).first()
    if data.vendor_no is None:
        return by_ref
    vendor = session.get(Vendor, alpha(data.vendor_no))
    if by_ref is not None and (vendor is None or by_ref.vendor_no != vendor.vendor_no):
        raise SoapFault.conflict(
            f"ExternalRef {data.external_ref!r} belongs to vendor {by_ref.vendor_no}",
            "ExternalRef",
        )
    return vendor


def upsert_vendor(session: Session, data: VendorData, now: datetime) -> tuple[Vendor, str]:
    """Create or update one vendor; returns it with CREATED, UPDATED or UNCHANGED."""
    validate(data)
    vendor = _find(session, data)
    if vendor is None:
        number = alpha(data.vendor_no) if data.vendor_no else next_number(session, "VENDOR")
        vendor = Vendor(
            vendor_no=number,
            name1=data.name1.strip(),
            country_key=data.country_key,
            vat_reg_no=data.vat_reg_no,
            posting_block=bool(data.posting_block),
            payment_terms_key=data.payment_terms_key,
            currency=data.currency or "EUR",
            external_ref=data.external_ref,
            created_at=now,
            changed_at=now,
        )
        session.add(vendor)
        session.flush()
        return vendor, "CREATED"
    wanted: dict[str, object] = {
        "name1": data.name1.strip(),
        "country_key": data.country_key,
        "vat_reg_no": data.vat_reg_no,
        "payment_terms_key": data.payment_terms_key,
    }
    # Absent optional flags keep their stored value: a partial sender cannot unblock.
    if data.posting_block is not None:
        wanted["posting_block"] = data.posting_block
    if data.currency is not None:
        wanted["currency"] = data.currency
    if data.external_ref is not None:
        wanted["external_ref"] = data.external_ref
    changed = False
    for attr, value in wanted.items():
        if getattr(vendor, attr) != value:
            setattr(vendor, attr, value)
            changed = True
    if not changed:
        return vendor, "UNCHANGED"
    vendor.changed_at = now
    session.flush()
    return vendor, "UPDATED"


def upsert_vendors(
    session: Session, batch: Sequence[VendorData | SoapFault], now: datetime
) -> list[UpsertResult]:
    """Upsert a batch; a bad record gets an ERROR result and does not stop the others.

    A record that already failed to parse arrives as its SoapFault.
    """
    if len(batch) > MAX_BATCH:
        raise SoapFault(
            f"at most {MAX_BATCH} vendors per call", code="BATCH_LIMIT", field="Vendors"
        )
    results: list[UpsertResult] = []
    for index, data in enumerate(batch):
        if isinstance(data, SoapFault):
            results.append(_error(index, None, data))
            continue
        savepoint = session.begin_nested()
        try:
            vendor, status = upsert_vendor(session, data, now)
        except SoapFault as fault:
            savepoint.rollback()
            results.append(_error(index, data, fault))
            continue
        except sa.exc.IntegrityError:
            savepoint.rollback()
            clash = SoapFault.conflict("vendor clashes with an existing record", "VendorNo")
            results.append(_error(index, data, clash))
            continue
        savepoint.commit()
        results.append(UpsertResult(index, status, vendor.vendor_no, vendor.external_ref))
    return results


def _error(index: int, data: VendorData | None, fault: SoapFault) -> UpsertResult:
    return UpsertResult(
        index=index,
        status="ERROR",
        vendor_no=data.vendor_no if data else None,
        external_ref=data.external_ref if data else None,
        error_code=fault.code,
        error_field=fault.field,
        message=fault.faultstring,
    )


def get_vendor(
    session: Session, vendor_no: str | None = None, external_ref: str | None = None
) -> Vendor:
    """The vendor with ``vendor_no`` or else ``external_ref``; NOT_FOUND fault otherwise."""
    if vendor_no is not None:
        vendor = session.get(Vendor, alpha(vendor_no))
        if vendor is None:
            raise SoapFault.not_found("VendorNo", vendor_no)
        return vendor
    if external_ref is not None:
        found = session.scalars(sa.select(Vendor).where(Vendor.external_ref == external_ref))
        vendor = found.first()
        if vendor is None:
            raise SoapFault.not_found("ExternalRef", external_ref)
        return vendor
    raise SoapFault.validation("VendorNo", "VendorNo or ExternalRef is required")


def vendors_changed_since(
    session: Session, since: datetime, token: str | None, size: int
) -> tuple[Sequence[Vendor], str | None]:
    """One page of vendors changed at or after ``since``, and the token for the next."""
    return keyset_page(
        session,
        sa.select(Vendor),
        Vendor.changed_at,
        Vendor.vendor_no,
        since=since,
        token=token,
        size=size,
    )
