"""Account endpoints: list, read, create, replace, patch, delete, upsert by external id."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from reference.crm import accounts, native
from reference.crm.deps import IdempotencyKeyHeader, IfMatch, Listing, Reader, Writer
from reference.crm.errors import not_found
from reference.crm.idempotency import Created, create_once, fingerprint
from reference.crm.models import Account
from reference.crm.paging import fetch_page
from reference.crm.records import (
    check_if_match,
    etag,
    load,
    page_response,
    record_response,
    tombstone,
    touch,
)
from reference.crm.schemas import AccountIn, AccountOut, AccountPage, AccountPatch, AccountTombstone

router = APIRouter(tags=["accounts"])
SystemPath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
ExternalIdPath = Annotated[str, Path(min_length=1, max_length=64)]


def _body(session: Session, row: Account) -> dict[str, object]:
    return native.account(row, native.external_ids(session, [row.id])[row.id])


def _location(row: Account) -> str:
    return f"/accounts/{row.id}"


@router.get("/accounts", response_model=AccountPage)
def list_accounts(ctx: Reader, listing: Listing) -> JSONResponse:
    """Accounts in (lastModified, id) order, a page at a time."""
    page = fetch_page(ctx.session, Account, listing.query())
    ext = native.external_ids(ctx.session, [r.id for r in page.rows if not r.deleted])
    items = [
        tombstone("accountId", r) if r.deleted else native.account(r, ext[r.id]) for r in page.rows
    ]
    return page_response(items, page)


@router.post("/accounts", status_code=201, response_model=AccountOut)
def create_account(
    body: AccountIn, ctx: Writer, idempotency_key: IdempotencyKeyHeader = None
) -> JSONResponse:
    def create(session: Session, now: datetime) -> Created:
        row = accounts.create(session, body, now)
        return Created(_body(session, row), _location(row), etag(row))

    return create_once(
        ctx.session,
        ctx.runtime.gate,
        ctx.principal,
        idempotency_key,
        fingerprint("POST", "/accounts", body),
        create,
    )


@router.get("/accounts/by-external-id/{system}/{external_id}", response_model=AccountOut)
def get_by_external_id(
    system: SystemPath, external_id: ExternalIdPath, ctx: Reader
) -> JSONResponse:
    row = accounts.find_by_external_id(ctx.session, system, external_id)
    if row is None or row.deleted:
        raise not_found("account with external id", f"{system}/{external_id}")
    return record_response(_body(ctx.session, row), row)


@router.put(
    "/accounts/by-external-id/{system}/{external_id}",
    response_model=AccountOut,
    responses={201: {"description": "created"}, 200: {"description": "updated"}},
)
def upsert_by_external_id(
    system: SystemPath,
    external_id: ExternalIdPath,
    body: AccountIn,
    ctx: Writer,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Create or replace the account carrying this external id; If-Match is optional here."""
    full = accounts.upsert_body(body, system, external_id)
    with ctx.runtime.gate.write(ctx.session) as now:
        row = accounts.find_by_external_id(ctx.session, system, external_id)
        if row is None:
            row = accounts.create(ctx.session, full, now)
            status = 201
        else:
            check_if_match(row, if_match, required=False)
            accounts.replace(ctx.session, row, full, now)
            status = 200
    return record_response(_body(ctx.session, row), row, status=status, location=_location(row))


@router.get("/accounts/{account_id}", response_model=AccountOut)
def get_account(account_id: str, ctx: Reader) -> JSONResponse:
    row = load(ctx.session, Account, account_id, "account")
    return record_response(_body(ctx.session, row), row)


@router.put("/accounts/{account_id}", response_model=AccountOut)
def replace_account(
    account_id: str, body: AccountIn, ctx: Writer, if_match: IfMatch = None
) -> JSONResponse:
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Account, account_id, "account")
        check_if_match(row, if_match, required=True)
        accounts.replace(ctx.session, row, body, now)
    return record_response(_body(ctx.session, row), row)


@router.patch("/accounts/{account_id}", response_model=AccountOut)
def patch_account(
    account_id: str, body: AccountPatch, ctx: Writer, if_match: IfMatch = None
) -> JSONResponse:
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Account, account_id, "account")
        check_if_match(row, if_match, required=True)
        accounts.patch(ctx.session, row, body.given(), now)
    return record_response(_body(ctx.session, row), row)


@router.delete("/accounts/{account_id}", response_model=AccountTombstone)
def delete_account(account_id: str, ctx: Writer, if_match: IfMatch = None) -> JSONResponse:
    """Mark the account deleted; it stays listed as a tombstone."""
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Account, account_id, "account")
        check_if_match(row, if_match, required=False)
        row.deleted = True
        touch(row, now)
    return record_response(tombstone("accountId", row), row)
