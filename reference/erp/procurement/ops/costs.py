"""Cost posting operations: PostCostPosting, ListCostPostings."""

from __future__ import annotations

from lxml import etree

from reference.erp.procurement import costs
from reference.erp.procurement.models import CostPosting
from reference.erp.procurement.ops.xmlns import B
from reference.erp.soap.paging import page_size
from reference.erp.soap.service import (
    OperationContext,
    opt_date,
    opt_int,
    opt_text,
    req_datetime,
    req_decimal,
    req_text,
)


def cost_element(parent: etree._Element, c: CostPosting) -> etree._Element:
    """Append a CostPosting element to ``parent``."""
    node = B.group(parent, "CostPosting")
    B.fields(
        node,
        [
            ("DocumentNo", c.document_no),
            ("ApprovalId", c.approval_id),
            ("ClaimType", c.claim_type),
            ("CostCenter", c.cost_center),
            ("GLAccount", c.gl_account),
            ("Amount", c.amount),
            ("Currency", c.currency),
            ("PostingDate", c.posting_date),
            ("Employee", c.employee),
            ("Text", c.text),
            ("CreatedBy", c.created_by),
            ("CreatedAt", c.created_at),
        ],
    )
    return node


def post_cost_posting(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Post an approved claim (idempotent by ApprovalId); Created is false for a repeat."""
    data = costs.CostData(
        approval_id=req_text(payload, "ApprovalId", max_len=40),
        claim_type=req_text(payload, "ClaimType", max_len=8),
        cost_center=req_text(payload, "CostCenter", max_len=10),
        gl_account=req_text(payload, "GLAccount", max_len=10),
        amount=req_decimal(payload, "Amount"),
        currency=req_text(payload, "Currency", max_len=3),
        posting_date=opt_date(payload, "PostingDate"),
        employee=opt_text(payload, "Employee", max_len=40),
        text=opt_text(payload, "Text", max_len=120),
    )
    posting, created = costs.post_cost(ctx.session, data, ctx.user, ctx.now)
    response = B.el("PostCostPostingResponse")
    B.sub(response, "Created", created)
    cost_element(response, posting)
    return response


def list_cost_postings(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """A page of postings made since a time, optionally for one cost center."""
    rows, token = costs.list_costs(
        ctx.session,
        req_datetime(payload, "ChangedSince"),
        opt_text(payload, "ContinuationToken"),
        page_size(opt_int(payload, "MaxRecords")),
        cost_center=opt_text(payload, "CostCenter", max_len=10),
    )
    response = B.el("ListCostPostingsResponse")
    for posting in rows:
        cost_element(response, posting)
    B.sub(response, "ContinuationToken", token)
    return response
