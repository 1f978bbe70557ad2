"""Periodic reconciliation statements: built from PO and invoice amounts, then settled."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from reference.kit.coltypes import utcnow
from reference.kit.errors import ApiError, invalid, not_found
from reference.srm.models import PurchaseOrder, Statement, StatementLine, Vendor
from reference.srm.schemas import ConfirmIn, DisputeIn, ResolutionIn, StatementIn

ZERO = Decimal("0.00")


def get_statement(session: Session, statement_no: str) -> Statement:
    """The statement ``ST-...`` with its lines, or a 404."""
    statement = session.scalar(
        sa.select(Statement)
        .where(Statement.statement_no == statement_no)
        .options(selectinload(Statement.lines), selectinload(Statement.vendor))
    )
    if statement is None:
        raise not_found("statement", statement_no)
    return statement


def create_statement(session: Session, vendor: Vendor, data: StatementIn) -> Statement:
    """A statement over the vendor's POs dated in the period, in one currency."""
    currency = data.currency or vendor.currency
    pos = session.scalars(
        sa.select(PurchaseOrder)
        .where(
            PurchaseOrder.vendor_pk == vendor.id,
            PurchaseOrder.currency == currency,
            PurchaseOrder.order_date >= data.period_from,
            PurchaseOrder.order_date <= data.period_to,
        )
        .order_by(PurchaseOrder.order_date, PurchaseOrder.po_number)
    )
    lines: list[StatementLine] = []
    for po in pos:
        invoiced = po.invoiced_amount if po.invoiced_amount is not None else ZERO
        lines.append(
            StatementLine(
                po_number=po.po_number,
                ordered_amount=po.total_amount,
                invoiced_amount=invoiced,
                open_amount=po.total_amount - invoiced,
            )
        )
    if not lines:
        raise ApiError(
            409,
            "nothing_to_reconcile",
            f"vendor {vendor.vendor_id} has no {currency} purchase orders dated "
            f"{data.period_from.isoformat()}..{data.period_to.isoformat()}",
            "period_from",
        )
    statement = Statement(
        vendor_pk=vendor.id,
        period_from=data.period_from,
        period_to=data.period_to,
        currency=currency,
        status="OPEN",
        ordered_total=sum((ln.ordered_amount for ln in lines), ZERO),
        invoiced_total=sum((ln.invoiced_amount for ln in lines), ZERO),
        open_total=sum((ln.open_amount for ln in lines), ZERO),
        lines=lines,
        vendor=vendor,
    )
    session.add(statement)
    session.flush()
    statement.statement_no = f"ST-{statement.id:06d}"
    return statement


def _require(statement: Statement, status: str, action: str) -> None:
    if statement.status != status:
        raise ApiError(
            409,
            "illegal_transition",
            f"statement {statement.statement_no} is {statement.status}; "
            f"only a {status} statement can be {action}",
            "status",
        )


def confirm(statement: Statement, data: ConfirmIn) -> Statement:
    """The supplier agrees with every line: OPEN -> CONFIRMED."""
    _require(statement, "OPEN", "confirmed")
    statement.status = "CONFIRMED"
    statement.supplier_actor = data.actor
    statement.supplier_comment = data.comment
    statement.updated_at = utcnow()
    return statement


def dispute(statement: Statement, data: DisputeIn) -> Statement:
    """The supplier objects to some lines, with its own amounts: OPEN -> DISPUTED."""
    _require(statement, "OPEN", "disputed")
    by_po = {line.po_number: line for line in statement.lines}
    for i, item in enumerate(data.lines):
        if item.po_number not in by_po:
            raise invalid(f"lines.{i}.po_number", f"{item.po_number} is not on this statement")
    for item in data.lines:
        line = by_po[item.po_number]
        line.dispute_comment = item.comment
        line.supplier_amount = item.supplier_amount
    statement.status = "DISPUTED"
    statement.supplier_actor = data.actor
    statement.supplier_comment = data.comment
    statement.updated_at = utcnow()
    return statement


def resolve(statement: Statement, data: ResolutionIn) -> Statement:
    """Settle a dispute one way or the other: DISPUTED -> RESOLVED."""
    _require(statement, "DISPUTED", "resolved")
    statement.status = "RESOLVED"
    statement.resolution = data.outcome
    statement.resolution_comment = data.comment
    statement.resolved_by = data.actor
    statement.updated_at = utcnow()
    return statement
