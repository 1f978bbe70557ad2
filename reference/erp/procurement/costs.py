"""Cost postings of approved travel and expense claims (FI documents on a cost center)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.erp.procurement import checks
from reference.erp.procurement.models import CostPosting
from reference.erp.procurement.numbers import alpha, next_number
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.paging import keyset_page

CLAIM_TYPES = ("TRAVEL", "EXPENSE")
_COST_CENTER = re.compile(r"[A-Z0-9]{4,10}")
_GL_ACCOUNT = re.compile(r"\d{6,10}")
# Travel and expense claims may only hit expense accounts.
EXPENSE_ACCOUNTS = range(400000, 700000)


@dataclass(frozen=True)
class CostData:
    """An approved claim to post; ``approval_id`` (the OA's) makes posting idempotent."""

    approval_id: str
    claim_type: str
    cost_center: str
    gl_account: str
    amount: Decimal
    currency: str
    posting_date: date | None = None
    employee: str | None = None
    text: str | None = None


def validate(data: CostData) -> None:
    """Check one posting, naming the offending field."""
    if not data.approval_id or len(data.approval_id) > 40:
        raise SoapFault.validation("ApprovalId", "must be 1-40 characters")
    if data.claim_type not in CLAIM_TYPES:
        raise SoapFault.validation("ClaimType", f"must be one of {', '.join(CLAIM_TYPES)}")
    if not _COST_CENTER.fullmatch(data.cost_center):
        raise SoapFault.validation("CostCenter", "must be 4-10 upper-case letters or digits")
    if not _GL_ACCOUNT.fullmatch(data.gl_account):
        raise SoapFault.validation("GLAccount", "must be 6-10 digits")
    if int(data.gl_account) not in EXPENSE_ACCOUNTS:
        raise SoapFault.validation("GLAccount", "is not an expense account (400000-699999)")
    checks.positive(data.amount, "Amount")
    checks.scale(data.amount, 2, "Amount")
    checks.currency(data.currency)
    if data.text is not None and len(data.text) > 120:
        raise SoapFault.validation("Text", "longer than 120 characters")
    if data.employee is not None and len(data.employee) > 40:
        raise SoapFault.validation("Employee", "longer than 40 characters")


def post_cost(
    session: Session, data: CostData, user: str, now: datetime
) -> tuple[CostPosting, bool]:
    """Post a claim, or return the posting already made for its approval id (False).

    A repeat of the same approval id with other values is a CONFLICT, not a second posting.
    """
    validate(data)
    existing = session.scalars(
        sa.select(CostPosting).where(CostPosting.approval_id == data.approval_id)
    ).first()
    gl_account = alpha(data.gl_account)
    if existing is not None:
        same = (
            existing.amount == data.amount
            and existing.currency == data.currency
            and existing.cost_center == data.cost_center
            and existing.gl_account == gl_account
        )
        if not same:
            raise SoapFault.conflict(
                f"approval {data.approval_id} was posted as {existing.document_no} "
                "with other values",
                "ApprovalId",
            )
        return existing, False
    posting = CostPosting(
        document_no=next_number(session, "FI_DOC"),
        approval_id=data.approval_id,
        claim_type=data.claim_type,
        cost_center=data.cost_center,
        gl_account=gl_account,
        amount=data.amount,
        currency=data.currency,
        posting_date=data.posting_date or now.date(),
        employee=data.employee,
        text=data.text,
        created_by=user,
        created_at=now,
    )
    session.add(posting)
    session.flush()
    return posting, True


def list_costs(
    session: Session,
    since: datetime,
    token: str | None,
    size: int,
    cost_center: str | None = None,
) -> tuple[Sequence[CostPosting], str | None]:
    """One page of postings made at or after ``since``, and the token for the next."""
    stmt: sa.Select[Any] = sa.select(CostPosting)
    if cost_center is not None:
        stmt = stmt.where(CostPosting.cost_center == cost_center)
    return keyset_page(
        session,
        stmt,
        CostPosting.created_at,
        CostPosting.document_no,
        since=since,
        token=token,
        size=size,
    )
