"""Opportunity and service-ticket endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from reference.crm import native, opportunities
from reference.crm.deps import IdempotencyKeyHeader, IfMatch, Listing, Reader, Writer
from reference.crm.errors import ApiError
from reference.crm.idempotency import Created, create_once, fingerprint
from reference.crm.models import Account, Contact, Opportunity, Ticket
from reference.crm.paging import fetch_page
from reference.crm.records import (
    check_if_match,
    etag,
    load,
    load_reference,
    new_id,
    page_response,
    record_response,
    reject_nulls,
    stamp_new,
    tombstone,
    touch,
)
from reference.crm.schemas_deals import (
    OpportunityIn,
    OpportunityOut,
    OpportunityPage,
    OpportunityPatch,
    OpportunityTombstone,
    TicketIn,
    TicketOut,
    TicketPage,
    TicketPatch,
    TicketTombstone,
)

router = APIRouter()
AccountFilter = Annotated[str | None, Query(alias="accountId", description="of this account")]


@router.get("/opportunities", response_model=OpportunityPage, tags=["opportunities"])
def list_opportunities(
    ctx: Reader,
    listing: Listing,
    account_id: AccountFilter = None,
    stage: Annotated[str | None, Query(description="e.g. closed_won for orders to place")] = None,
) -> JSONResponse:
    query = listing.query(accountId=account_id, stage=stage)
    where = []
    if "accountId" in query.filters:
        where.append(Opportunity.account_id == query.filters["accountId"])
    if "stage" in query.filters:
        where.append(Opportunity.stage == query.filters["stage"])
    page = fetch_page(ctx.session, Opportunity, query, where)
    items = [
        tombstone("opportunityId", r) if r.deleted else native.opportunity(r) for r in page.rows
    ]
    return page_response(items, page)


@router.post(
    "/opportunities", status_code=201, response_model=OpportunityOut, tags=["opportunities"]
)
def create_opportunity(
    body: OpportunityIn, ctx: Writer, idempotency_key: IdempotencyKeyHeader = None
) -> JSONResponse:
    """A new opportunity in an open stage (closing happens by PATCHing ``stage``)."""

    def create(session: Session, now: datetime) -> Created:
        load_reference(session, Account, body.account_id, "accountId", "account")
        row = Opportunity(
            account_id=body.account_id,
            name=body.name,
            stage=body.stage,
            currency=body.currency,
            close_date=body.close_date.isoformat() if body.close_date else None,
            owner_id=body.owner_id,
            lines=native.stored_lines(body.lines),
            stage_changed_at=now,
        )
        stamp_new(row, new_id("opp"), now)
        session.add(row)
        return Created(native.opportunity(row), f"/opportunities/{row.id}", etag(row))

    return create_once(
        ctx.session,
        ctx.runtime.gate,
        ctx.principal,
        idempotency_key,
        fingerprint("POST", "/opportunities", body),
        create,
    )


@router.get(
    "/opportunities/{opportunity_id}", response_model=OpportunityOut, tags=["opportunities"]
)
def get_opportunity(opportunity_id: str, ctx: Reader) -> JSONResponse:
    row = load(ctx.session, Opportunity, opportunity_id, "opportunity")
    return record_response(native.opportunity(row), row)


@router.patch(
    "/opportunities/{opportunity_id}", response_model=OpportunityOut, tags=["opportunities"]
)
def patch_opportunity(
    opportunity_id: str, body: OpportunityPatch, ctx: Writer, if_match: IfMatch = None
) -> JSONResponse:
    """Change fields or move the stage (see the stage rules in the README)."""
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Opportunity, opportunity_id, "opportunity")
        check_if_match(row, if_match, required=True)
        opportunities.apply_patch(row, body.given(), now)
    return record_response(native.opportunity(row), row)


@router.delete(
    "/opportunities/{opportunity_id}", response_model=OpportunityTombstone, tags=["opportunities"]
)
def delete_opportunity(opportunity_id: str, ctx: Writer, if_match: IfMatch = None) -> JSONResponse:
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Opportunity, opportunity_id, "opportunity")
        check_if_match(row, if_match, required=False)
        row.deleted = True
        touch(row, now)
    return record_response(tombstone("opportunityId", row), row)


def _check_contact(session: Session, contact_id: str | None, account_id: str) -> None:
    if contact_id is None:
        return
    contact = load_reference(session, Contact, contact_id, "contactId", "contact")
    if contact.account_id != account_id:
        raise ApiError(
            422,
            "invalid",
            f"contactId: contact {contact_id} belongs to another account",
            field="contactId",
        )


@router.get("/tickets", response_model=TicketPage, tags=["tickets"])
def list_tickets(
    ctx: Reader,
    listing: Listing,
    account_id: AccountFilter = None,
    status: Annotated[str | None, Query(description="new, open, pending, solved, closed")] = None,
) -> JSONResponse:
    query = listing.query(accountId=account_id, status=status)
    where = []
    if "accountId" in query.filters:
        where.append(Ticket.account_id == query.filters["accountId"])
    if "status" in query.filters:
        where.append(Ticket.status == query.filters["status"])
    page = fetch_page(ctx.session, Ticket, query, where)
    items = [tombstone("ticketId", r) if r.deleted else native.ticket(r) for r in page.rows]
    return page_response(items, page)


@router.post("/tickets", status_code=201, response_model=TicketOut, tags=["tickets"])
def create_ticket(
    body: TicketIn, ctx: Writer, idempotency_key: IdempotencyKeyHeader = None
) -> JSONResponse:
    def create(session: Session, now: datetime) -> Created:
        load_reference(session, Account, body.account_id, "accountId", "account")
        _check_contact(session, body.contact_id, body.account_id)
        row = Ticket(**body.model_dump())
        stamp_new(row, new_id("tkt"), now)
        session.add(row)
        return Created(native.ticket(row), f"/tickets/{row.id}", etag(row))

    return create_once(
        ctx.session,
        ctx.runtime.gate,
        ctx.principal,
        idempotency_key,
        fingerprint("POST", "/tickets", body),
        create,
    )


@router.get("/tickets/{ticket_id}", response_model=TicketOut, tags=["tickets"])
def get_ticket(ticket_id: str, ctx: Reader) -> JSONResponse:
    row = load(ctx.session, Ticket, ticket_id, "ticket")
    return record_response(native.ticket(row), row)


@router.patch("/tickets/{ticket_id}", response_model=TicketOut, tags=["tickets"])
def patch_ticket(
    ticket_id: str, body: TicketPatch, ctx: Writer, if_match: IfMatch = None
) -> JSONResponse:
    """Change a ticket; a closed ticket is final."""
    changes = body.given()
    reject_nulls(changes, ("subject", "priority", "status"))
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Ticket, ticket_id, "ticket")
        check_if_match(row, if_match, required=True)
        if row.status == "closed":
            raise ApiError(409, "closed", f"ticket {ticket_id} is closed; it can no longer change")
        if "contact_id" in changes:
            _check_contact(ctx.session, changes["contact_id"], row.account_id)
        for name, value in changes.items():
            setattr(row, name, value)
        touch(row, now)
    return record_response(native.ticket(row), row)


@router.delete("/tickets/{ticket_id}", response_model=TicketTombstone, tags=["tickets"])
def delete_ticket(ticket_id: str, ctx: Writer, if_match: IfMatch = None) -> JSONResponse:
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Ticket, ticket_id, "ticket")
        check_if_match(row, if_match, required=False)
        row.deleted = True
        touch(row, now)
    return record_response(tombstone("ticketId", row), row)
