"""Stock and planning operations: ImportStockSnapshot, GetStock, GetReorderProposals."""

from __future__ import annotations

from lxml import etree

from reference.erp.models.master import Item
from reference.erp.procurement import mrp, stock
from reference.erp.procurement.ops.xmlns import B, each
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.paging import page_size
from reference.erp.soap.service import (
    OperationContext,
    opt_int,
    opt_text,
    req_datetime,
    req_decimal,
    req_int,
    req_text,
)


def _parse_line(node: etree._Element) -> stock.SnapshotLine:
    return stock.SnapshotLine(
        material_no=req_text(node, "MaterialNo", max_len=40),
        plant=req_text(node, "Plant", max_len=4),
        unrestricted=req_decimal(node, "Unrestricted"),
        allocated=req_decimal(node, "Allocated"),
    )


def import_stock_snapshot(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Apply a stock snapshot; a STALE_SNAPSHOT fault when it is older than the stored one."""
    result = stock.import_snapshot(
        ctx.session,
        req_int(payload, "SnapshotSequence"),
        req_datetime(payload, "AsOf"),
        each(payload, "Line", _parse_line),
        ctx.now,
    )
    response = B.el("ImportStockSnapshotResponse")
    B.sub(response, "Applied", result.applied)
    for rejected in result.rejected:
        B.fields(
            B.group(response, "Rejected"),
            [
                ("Index", rejected.index),
                ("MaterialNo", rejected.material_no),
                ("Plant", rejected.plant),
                ("ErrorCode", rejected.code),
                ("ErrorMessage", rejected.message),
            ],
        )
    return response


def _after(token: str | None) -> tuple[str, str] | None:
    if token is None:
        return None
    material_no, sep, plant = token.rpartition("/")
    if not sep or not material_no or not plant:
        raise SoapFault.validation("ContinuationToken", "not a token this service issued")
    return material_no, plant


def get_stock(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Stock rows by material and plant, paged in (material, plant) order."""
    rows, more = stock.stock_levels(
        ctx.session,
        material_no=opt_text(payload, "MaterialNo", max_len=40),
        plant=opt_text(payload, "Plant", max_len=4),
        after=_after(opt_text(payload, "ContinuationToken")),
        max_rows=page_size(opt_int(payload, "MaxRecords")),
    )
    response = B.el("GetStockResponse")
    for level in rows:
        item = ctx.session.get(Item, level.material_no)
        B.fields(
            B.group(response, "Stock"),
            [
                ("MaterialNo", level.material_no),
                ("Plant", level.plant),
                ("Unrestricted", level.unrestricted),
                ("Allocated", level.allocated),
                ("Available", level.unrestricted - level.allocated),
                ("Unit", item.base_uom if item else None),
                ("AsOf", level.as_of),
                ("ChangedAt", level.changed_at),
            ],
        )
    if more and rows:
        B.sub(response, "ContinuationToken", f"{rows[-1].material_no}/{rows[-1].plant}")
    return response


def get_reorder_proposals(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Purchase and production proposals for materials below their reorder point."""
    plant = opt_text(payload, "Plant", max_len=4)
    today = ctx.now.date()
    response = B.el("GetReorderProposalsResponse")
    B.sub(response, "PlanningDate", today)
    B.sub(response, "Plant", plant)
    for p in mrp.reorder_proposals(ctx.session, today, plant):
        node = B.group(response, "Proposal")
        B.fields(
            node,
            [
                ("MaterialNo", p.material_no),
                ("Quantity", p.quantity),
                ("Unit", p.uom),
                ("ProcurementType", p.procurement_type),
                ("ProposalType", p.proposal_type),
                ("SuggestedVendor", p.suggested_vendor),
                ("Reason", p.reason),
                ("ProjectedStock", p.projected_stock),
                ("ReorderPoint", p.reorder_point),
                ("DependentDemand", p.dependent_demand),
                ("DeliveryDate", p.delivery_date),
            ],
        )
        for parent in p.required_for:
            B.sub(node, "RequiredFor", parent)
    return response
