"""Credit-limit change requests: pending until the hub reports the decision."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.crm.errors import ApiError
from reference.crm.models import Account, CreditLimitRequest
from reference.crm.records import new_id, stamp_new, touch
from reference.crm.schemas_deals import CreditDecisionIn, CreditLimitRequestIn


def open_request(
    session: Session, account: Account, body: CreditLimitRequestIn, now: datetime
) -> CreditLimitRequest:
    """A pending request; an account has at most one pending request at a time."""
    pending = session.scalar(
        sa.select(CreditLimitRequest.id).where(
            CreditLimitRequest.account_id == account.id,
            CreditLimitRequest.status == "pending",
            CreditLimitRequest.deleted.is_(False),
        )
    )
    if pending is not None:
        raise ApiError(
            409,
            "pending_request_exists",
            f"account {account.id} already has pending credit-limit request {pending}",
        )
    if body.currency and account.currency and body.currency != account.currency:
        raise ApiError(
            422,
            "invalid",
            f"currency: the account is kept in {account.currency}",
            field="currency",
        )
    row = CreditLimitRequest(
        account_id=account.id,
        current_limit=account.credit_limit,
        requested_limit=body.requested_limit,
        currency=body.currency or account.currency,
        reason=body.reason,
        status="pending",
    )
    stamp_new(row, new_id("clr"), now)
    session.add(row)
    return row


def decide(
    session: Session, request: CreditLimitRequest, decision: CreditDecisionIn, now: datetime
) -> None:
    """Approve (setting the account's new limit) or reject a pending request."""
    if request.status != "pending":
        raise ApiError(409, "already_decided", f"request {request.id} was already {request.status}")
    if decision.status == "rejected" and decision.approved_limit is not None:
        raise ApiError(
            422,
            "invalid",
            "approvedLimit: a rejected request approves no limit",
            field="approvedLimit",
        )
    request.status = decision.status
    request.decision_note = decision.note
    request.decided_at = now
    if decision.status == "approved":
        limit = decision.approved_limit
        request.approved_limit = request.requested_limit if limit is None else limit
        account = session.get(Account, request.account_id)
        if account is None or account.deleted:
            raise ApiError(409, "account_deleted", f"account {request.account_id} was deleted")
        account.credit_limit = request.approved_limit
        touch(account, now)
    touch(request, now)
