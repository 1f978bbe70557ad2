"""Contact and lead endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from reference.crm import native
from reference.crm.deps import IdempotencyKeyHeader, IfMatch, Listing, Reader, Writer
from reference.crm.idempotency import Created, create_once, fingerprint
from reference.crm.models import Account, Contact, Lead
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
from reference.crm.schemas import (
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    ContactTombstone,
    LeadIn,
    LeadOut,
    LeadPage,
    LeadPatch,
    LeadTombstone,
)

router = APIRouter()
AccountFilter = Annotated[str | None, Query(alias="accountId", description="of this account")]


@router.get("/contacts", response_model=ContactPage, tags=["contacts"])
def list_contacts(ctx: Reader, listing: Listing, account_id: AccountFilter = None) -> JSONResponse:
    query = listing.query(accountId=account_id)
    where = []
    if "accountId" in query.filters:
        where.append(Contact.account_id == query.filters["accountId"])
    page = fetch_page(ctx.session, Contact, query, where)
    items = [tombstone("contactId", r) if r.deleted else native.contact(r) for r in page.rows]
    return page_response(items, page)


@router.post("/contacts", status_code=201, response_model=ContactOut, tags=["contacts"])
def create_contact(
    body: ContactIn, ctx: Writer, idempotency_key: IdempotencyKeyHeader = None
) -> JSONResponse:
    def create(session: Session, now: datetime) -> Created:
        load_reference(session, Account, body.account_id, "accountId", "account")
        row = Contact(**body.model_dump())
        stamp_new(row, new_id("con"), now)
        session.add(row)
        return Created(native.contact(row), f"/contacts/{row.id}", etag(row))

    return create_once(
        ctx.session,
        ctx.runtime.gate,
        ctx.principal,
        idempotency_key,
        fingerprint("POST", "/contacts", body),
        create,
    )


@router.get("/contacts/{contact_id}", response_model=ContactOut, tags=["contacts"])
def get_contact(contact_id: str, ctx: Reader) -> JSONResponse:
    row = load(ctx.session, Contact, contact_id, "contact")
    return record_response(native.contact(row), row)


@router.patch("/contacts/{contact_id}", response_model=ContactOut, tags=["contacts"])
def patch_contact(
    contact_id: str, body: ContactPatch, ctx: Writer, if_match: IfMatch = None
) -> JSONResponse:
    changes = body.given()
    reject_nulls(changes, ("account_id", "last_name", "primary"))
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Contact, contact_id, "contact")
        check_if_match(row, if_match, required=True)
        if "account_id" in changes:
            load_reference(ctx.session, Account, changes["account_id"], "accountId", "account")
        for name, value in changes.items():
            setattr(row, name, value)
        touch(row, now)
    return record_response(native.contact(row), row)


@router.delete("/contacts/{contact_id}", response_model=ContactTombstone, tags=["contacts"])
def delete_contact(contact_id: str, ctx: Writer, if_match: IfMatch = None) -> JSONResponse:
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Contact, contact_id, "contact")
        check_if_match(row, if_match, required=False)
        row.deleted = True
        touch(row, now)
    return record_response(tombstone("contactId", row), row)


@router.get("/leads", response_model=LeadPage, tags=["leads"])
def list_leads(
    ctx: Reader,
    listing: Listing,
    status: Annotated[str | None, Query(description="new, working, qualified, ...")] = None,
) -> JSONResponse:
    query = listing.query(status=status)
    where = [Lead.status == query.filters["status"]] if "status" in query.filters else []
    page = fetch_page(ctx.session, Lead, query, where)
    items = [tombstone("leadId", r) if r.deleted else native.lead(r) for r in page.rows]
    return page_response(items, page)


@router.post("/leads", status_code=201, response_model=LeadOut, tags=["leads"])
def create_lead(
    body: LeadIn, ctx: Writer, idempotency_key: IdempotencyKeyHeader = None
) -> JSONResponse:
    def create(session: Session, now: datetime) -> Created:
        row = Lead(**body.model_dump())
        stamp_new(row, new_id("led"), now)
        session.add(row)
        return Created(native.lead(row), f"/leads/{row.id}", etag(row))

    return create_once(
        ctx.session,
        ctx.runtime.gate,
        ctx.principal,
        idempotency_key,
        fingerprint("POST", "/leads", body),
        create,
    )


@router.get("/leads/{lead_id}", response_model=LeadOut, tags=["leads"])
def get_lead(lead_id: str, ctx: Reader) -> JSONResponse:
    row = load(ctx.session, Lead, lead_id, "lead")
    return record_response(native.lead(row), row)


@router.patch("/leads/{lead_id}", response_model=LeadOut, tags=["leads"])
def patch_lead(
    lead_id: str, body: LeadPatch, ctx: Writer, if_match: IfMatch = None
) -> JSONResponse:
    changes = body.given()
    reject_nulls(changes, ("last_name", "status"))
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Lead, lead_id, "lead")
        check_if_match(row, if_match, required=True)
        for name, value in changes.items():
            setattr(row, name, value)
        touch(row, now)
    return record_response(native.lead(row), row)


@router.delete("/leads/{lead_id}", response_model=LeadTombstone, tags=["leads"])
def delete_lead(lead_id: str, ctx: Writer, if_match: IfMatch = None) -> JSONResponse:
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Lead, lead_id, "lead")
        check_if_match(row, if_match, required=False)
        row.deleted = True
        touch(row, now)
    return record_response(tombstone("leadId", row), row)
