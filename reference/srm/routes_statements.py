"""Reconciliation-statement endpoints: create, confirm, dispute, resolve."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy.orm import selectinload

from reference.srm import onboarding, statements
from reference.srm.deps import PagingDep, SessionDep
from reference.srm.models import Statement
from reference.srm.paging import page
from reference.srm.schemas import (
    ConfirmIn,
    DisputeIn,
    Page,
    ResolutionIn,
    StatementIn,
    StatementOut,
)
from reference.srm.views import statement_out

router = APIRouter(prefix="/statements", tags=["reconciliation"])


@router.post("", status_code=201, response_model=StatementOut)
def create(session: SessionDep, body: StatementIn) -> StatementOut:
    """Build a statement for a vendor and period from its PO and invoice amounts."""
    vendor = onboarding.get_vendor(session, body.vendor_id)
    statement = statements.create_statement(session, vendor, body)
    session.commit()
    return statement_out(statement)


@router.get("", response_model=Page[StatementOut])
def list_statements(
    session: SessionDep,
    paging: PagingDep,
    status: Annotated[Literal["OPEN", "CONFIRMED", "DISPUTED", "RESOLVED"] | None, Query()] = None,
) -> Page[StatementOut]:
    """Statements in (updated_at, id) order."""
    where = [] if status is None else [Statement.status == status]
    rows, total = page(
        session,
        Statement,
        updated_since=paging.updated_since,
        offset=paging.offset,
        limit=paging.limit,
        where=where,
        options=[selectinload(Statement.lines), selectinload(Statement.vendor)],
    )
    return Page(
        data=[statement_out(s) for s in rows], offset=paging.offset, limit=paging.limit, total=total
    )


@router.get("/{statement_no}", response_model=StatementOut)
def read(session: SessionDep, statement_no: str) -> StatementOut:
    """One statement with its lines."""
    return statement_out(statements.get_statement(session, statement_no))


@router.post("/{statement_no}/confirm", response_model=StatementOut)
def confirm(session: SessionDep, statement_no: str, body: ConfirmIn) -> StatementOut:
    """The supplier confirms the statement as it stands."""
    statement = statements.confirm(statements.get_statement(session, statement_no), body)
    session.commit()
    return statement_out(statement)


@router.post("/{statement_no}/dispute", response_model=StatementOut)
def dispute(session: SessionDep, statement_no: str, body: DisputeIn) -> StatementOut:
    """The supplier disputes lines, giving its amounts and comments."""
    statement = statements.dispute(statements.get_statement(session, statement_no), body)
    session.commit()
    return statement_out(statement)


@router.post("/{statement_no}/resolution", response_model=StatementOut)
def resolve(session: SessionDep, statement_no: str, body: ResolutionIn) -> StatementOut:
    """The buyer settles a disputed statement."""
    statement = statements.resolve(statements.get_statement(session, statement_no), body)
    session.commit()
    return statement_out(statement)
