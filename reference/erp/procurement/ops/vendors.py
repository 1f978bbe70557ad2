"""Vendor operations: UpsertVendors, GetVendor, GetVendorsChangedSince."""

from __future__ import annotations

from lxml import etree

from reference.erp.procurement import vendors
from reference.erp.procurement.models import Vendor
from reference.erp.procurement.ops.xmlns import B
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.paging import page_size
from reference.erp.soap.service import (
    OperationContext,
    children,
    opt_bool,
    opt_int,
    opt_text,
    req_datetime,
    req_text,
)


def vendor_element(parent: etree._Element, v: Vendor) -> etree._Element:
    """Append a Vendor element to ``parent``."""
    node = B.group(parent, "Vendor")
    B.fields(
        node,
        [
            ("VendorNo", v.vendor_no),
            ("Name1", v.name1),
            ("CountryKey", v.country_key),
            ("VatRegNo", v.vat_reg_no),
            ("PostingBlock", v.posting_block),
            ("PaymentTermsKey", v.payment_terms_key),
            ("Currency", v.currency),
            ("ExternalRef", v.external_ref),
            ("CreatedAt", v.created_at),
            ("ChangedAt", v.changed_at),
        ],
    )
    return node


def _parse(node: etree._Element) -> vendors.VendorData:
    return vendors.VendorData(
        vendor_no=opt_text(node, "VendorNo", max_len=10),
        name1=req_text(node, "Name1", max_len=80),
        country_key=req_text(node, "CountryKey"),
        vat_reg_no=opt_text(node, "VatRegNo", max_len=20),
        posting_block=opt_bool(node, "PostingBlock"),
        payment_terms_key=req_text(node, "PaymentTermsKey"),
        currency=opt_text(node, "Currency"),
        external_ref=opt_text(node, "ExternalRef", max_len=40),
    )


def upsert_vendors(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Create or update up to 500 vendors, one RecordResult each."""
    nodes = children(payload, "Vendor")
    if not nodes:
        raise SoapFault.validation("Vendor", "at least one record is required")
    if len(nodes) > vendors.MAX_BATCH:
        raise SoapFault(
            f"{len(nodes)} records sent, at most {vendors.MAX_BATCH} per call",
            code="BATCH_LIMIT",
            field="Vendor",
        )
    batch: list[vendors.VendorData | SoapFault] = []
    for node in nodes:
        try:
            batch.append(_parse(node))
        except SoapFault as fault:
            batch.append(fault)
    response = B.el("UpsertVendorsResponse")
    for result in vendors.upsert_vendors(ctx.session, batch, ctx.now):
        node = B.group(response, "Result")
        B.fields(
            node,
            [
                ("Index", result.index),
                ("Key", result.vendor_no),
                ("Action", None if result.status == "ERROR" else result.status),
                ("ExternalRef", result.external_ref),
                ("ErrorCode", result.error_code),
                ("ErrorField", result.error_field),
                ("ErrorMessage", result.message),
            ],
        )
    return response


def get_vendor(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """One vendor by VendorNo or ExternalRef."""
    vendor = vendors.get_vendor(
        ctx.session,
        vendor_no=opt_text(payload, "VendorNo", max_len=10),
        external_ref=opt_text(payload, "ExternalRef", max_len=40),
    )
    response = B.el("GetVendorResponse")
    vendor_element(response, vendor)
    return response


def get_vendors_changed_since(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """A page of vendors changed since a time, oldest change first."""
    since = req_datetime(payload, "ChangedSince")
    rows, token = vendors.vendors_changed_since(
        ctx.session,
        since,
        opt_text(payload, "ContinuationToken"),
        page_size(opt_int(payload, "MaxRecords")),
    )
    response = B.el("GetVendorsChangedSinceResponse")
    for vendor in rows:
        vendor_element(response, vendor)
    B.sub(response, "ContinuationToken", token)
    return response
