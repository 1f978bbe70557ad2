"""Rows to the CRM's native JSON shapes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.crm import models as m
from reference.crm.schemas import AccountOut, AddressOut, ContactOut, LeadOut
from reference.crm.schemas_deals import (
    CreditLimitRequestOut,
    LineOut,
    OpportunityOut,
    OrderOut,
    TicketOut,
)
from reference.crm.types import CENT


def external_ids(session: Session, account_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """``{accountId: {system: externalId}}`` for a page of accounts, in one query."""
    ids = list(account_ids)
    found: dict[str, dict[str, str]] = {i: {} for i in ids}
    if ids:
        rows = session.execute(
            sa.select(
                m.AccountExternalId.account_id,
                m.AccountExternalId.system,
                m.AccountExternalId.external_id,
            ).where(m.AccountExternalId.account_id.in_(ids))
        )
        for account_id, system, external_id in rows:
            found[account_id][system] = external_id
    return found


def _address(value: dict[str, Any] | None) -> AddressOut | None:
    return None if value is None else AddressOut(**value)


def account(row: m.Account, ext: dict[str, str]) -> dict[str, Any]:
    return AccountOut(
        account_id=row.id,
        account_name=row.name,
        account_type=row.account_type,
        industry=row.industry,
        tax_number=row.tax_number,
        website=row.website,
        email=row.email,
        phone=row.phone,
        billing_address=_address(row.billing_address),
        shipping_address=_address(row.shipping_address),
        external_ids=ext,
        tier=row.tier,
        owner_id=row.owner_id,
        credit_limit=row.credit_limit,
        currency=row.currency,
        status=row.status,
        created_at=row.created_at,
        last_modified=row.last_modified,
        version=row.version,
    ).dump()


def contact(row: m.Contact) -> dict[str, Any]:
    return ContactOut(
        contact_id=row.id,
        account_id=row.account_id,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        phone=row.phone,
        title=row.title,
        primary=row.primary,
        created_at=row.created_at,
        last_modified=row.last_modified,
        version=row.version,
    ).dump()


def lead(row: m.Lead) -> dict[str, Any]:
    return LeadOut(
        lead_id=row.id,
        first_name=row.first_name,
        last_name=row.last_name,
        company=row.company,
        email=row.email,
        phone=row.phone,
        country=row.country,
        source=row.source,
        status=row.status,
        created_at=row.created_at,
        last_modified=row.last_modified,
        version=row.version,
    ).dump()


def lines_total(lines: Iterable[dict[str, Any]]) -> Decimal:
    total = sum((Decimal(line["price"]) * int(line["quantity"]) for line in lines), Decimal(0))
    return total.quantize(CENT)


def _lines(lines: Iterable[dict[str, Any]]) -> list[LineOut]:
    return [LineOut(sku=x["sku"], quantity=x["quantity"], price=Decimal(x["price"])) for x in lines]


def opportunity(row: m.Opportunity) -> dict[str, Any]:
    return OpportunityOut(
        opportunity_id=row.id,
        account_id=row.account_id,
        name=row.name,
        stage=row.stage,
        amount=lines_total(row.lines),
        currency=row.currency,
        close_date=date.fromisoformat(row.close_date) if row.close_date else None,
        owner_id=row.owner_id,
        lines=_lines(row.lines),
        order_ref=row.order_ref,
        stage_changed_at=row.stage_changed_at,
        created_at=row.created_at,
        last_modified=row.last_modified,
        version=row.version,
    ).dump()


def ticket(row: m.Ticket) -> dict[str, Any]:
    return TicketOut(
        ticket_id=row.id,
        account_id=row.account_id,
        contact_id=row.contact_id,
        subject=row.subject,
        description=row.description,
        priority=row.priority,
        status=row.status,
        created_at=row.created_at,
        last_modified=row.last_modified,
        version=row.version,
    ).dump()


def order(row: m.CustomerOrder) -> dict[str, Any]:
    return OrderOut(
        order_id=row.id,
        account_id=row.account_id,
        order_number=row.order_number,
        order_date=row.order_date,
        status=row.status,
        currency=row.currency,
        total=row.total,
        lines=_lines(row.lines),
        source=row.source,
        created_at=row.created_at,
        last_modified=row.last_modified,
    ).dump()


def credit_request(row: m.CreditLimitRequest) -> dict[str, Any]:
    return CreditLimitRequestOut(
        request_id=row.id,
        account_id=row.account_id,
        current_limit=row.current_limit,
        requested_limit=row.requested_limit,
        currency=row.currency,
        reason=row.reason,
        status=row.status,
        approved_limit=row.approved_limit,
        decision_note=row.decision_note,
        decided_at=row.decided_at,
        created_at=row.created_at,
        last_modified=row.last_modified,
        version=row.version,
    ).dump()


def stored_lines(lines: Iterable[Any]) -> list[dict[str, Any]]:
    """Validated request lines as kept in the JSON column (price as a decimal string)."""
    return [
        {"sku": x.sku, "quantity": x.quantity, "price": str(x.price.quantize(CENT))} for x in lines
    ]
