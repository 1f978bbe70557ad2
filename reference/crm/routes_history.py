"""An account's order history and its credit-limit change requests."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from reference.crm import credit, native
from reference.crm.deps import IdempotencyKeyHeader, IfMatch, Listing, Reader, Writer
from reference.crm.errors import ApiError, not_found
from reference.crm.idempotency import Created, create_once, fingerprint
from reference.crm.models import Account, CreditLimitRequest, CustomerOrder
from reference.crm.paging import fetch_page
from reference.crm.records import (
    check_if_match,
    etag,
    load,
    new_id,
    page_response,
    record_response,
    stamp_new,
)
from reference.crm.schemas_deals import (
    CreditDecisionIn,
    CreditLimitRequestIn,
    CreditLimitRequestOut,
    CreditLimitRequestPage,
    OrderIn,
    OrderOut,
    OrderPage,
)

router = APIRouter()


@router.get("/accounts/{account_id}/orders", response_model=OrderPage, tags=["order history"])
def list_orders(account_id: str, ctx: Reader, listing: Listing) -> JSONResponse:
    """The account's orders as reported by the hub, oldest report first."""
    if ctx.session.get(Account, account_id) is None:
        raise not_found("account", account_id)
    page = fetch_page(
        ctx.session, CustomerOrder, listing.query(), [CustomerOrder.account_id == account_id]
    )
    return page_response([native.order(r) for r in page.rows], page)


@router.post(
    "/accounts/{account_id}/orders",
    status_code=201,
    response_model=OrderOut,
    tags=["order history"],
)
def append_order(
    account_id: str, body: OrderIn, ctx: Writer, idempotency_key: IdempotencyKeyHeader = None
) -> JSONResponse:
    """Append an order; an order number already in the account's history is a conflict."""

    def create(session: Session, now: datetime) -> Created:
        load(session, Account, account_id, "account")
        existing = session.scalar(
            sa.select(CustomerOrder.id).where(
                CustomerOrder.account_id == account_id,
                CustomerOrder.order_number == body.order_number,
            )
        )
        if existing is not None:
            raise ApiError(
                409,
                "duplicate_order",
                f"orderNumber: {body.order_number} is already recorded as {existing}",
                field="orderNumber",
            )
        row = CustomerOrder(
            account_id=account_id,
            order_number=body.order_number,
            order_date=body.order_date,
            status=body.status,
            currency=body.currency,
            total=body.total,
            lines=native.stored_lines(body.lines),
            source=body.source,
        )
        stamp_new(row, new_id("ord"), now)
        session.add(row)
        return Created(native.order(row), f"/accounts/{account_id}/orders", etag(row))

    return create_once(
        ctx.session,
        ctx.runtime.gate,
        ctx.principal,
        idempotency_key,
        fingerprint("POST", f"/accounts/{account_id}/orders", body),
        create,
    )


@router.post(
    "/accounts/{account_id}/credit-limit-requests",
    status_code=201,
    response_model=CreditLimitRequestOut,
    tags=["credit limit"],
)
def request_credit_limit(
    account_id: str,
    body: CreditLimitRequestIn,
    ctx: Writer,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Ask for a new credit limit; the request stays pending until the hub decides it."""

    def create(session: Session, now: datetime) -> Created:
        account = load(session, Account, account_id, "account")
        row = credit.open_request(session, account, body, now)
        return Created(native.credit_request(row), f"/credit-limit-requests/{row.id}", etag(row))

    return create_once(
        ctx.session,
        ctx.runtime.gate,
        ctx.principal,
        idempotency_key,
        fingerprint("POST", f"/accounts/{account_id}/credit-limit-requests", body),
        create,
    )


@router.get("/credit-limit-requests", response_model=CreditLimitRequestPage, tags=["credit limit"])
def list_credit_requests(
    ctx: Reader,
    listing: Listing,
    status: Annotated[str | None, Query(description="pending, approved or rejected")] = None,
    account_id: Annotated[str | None, Query(alias="accountId")] = None,
) -> JSONResponse:
    query = listing.query(status=status, accountId=account_id)
    where = []
    if "status" in query.filters:
        where.append(CreditLimitRequest.status == query.filters["status"])
    if "accountId" in query.filters:
        where.append(CreditLimitRequest.account_id == query.filters["accountId"])
    page = fetch_page(ctx.session, CreditLimitRequest, query, where)
    return page_response([native.credit_request(r) for r in page.rows], page)


@router.get(
    "/credit-limit-requests/{request_id}",
    response_model=CreditLimitRequestOut,
    tags=["credit limit"],
)
def get_credit_request(request_id: str, ctx: Reader) -> JSONResponse:
    row = load(ctx.session, CreditLimitRequest, request_id, "credit-limit request")
    return record_response(native.credit_request(row), row)


@router.post(
    "/credit-limit-requests/{request_id}/decision",
    response_model=CreditLimitRequestOut,
    tags=["credit limit"],
)
def decide_credit_request(
    request_id: str, body: CreditDecisionIn, ctx: Writer, if_match: IfMatch = None
) -> JSONResponse:
    """Record approval (the account takes the new limit) or rejection of a pending request."""
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, CreditLimitRequest, request_id, "credit-limit request")
        check_if_match(row, if_match, required=False)
        credit.decide(ctx.session, row, body, now)
    return record_response(native.credit_request(row), row)
