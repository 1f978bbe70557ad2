"""Account rules: field changes, external ids (unique per system), upsert by external id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.crm.errors import ApiError
from reference.crm.models import Account, AccountExternalId
from reference.crm.records import new_id, reject_nulls, stamp_new, touch
from reference.crm.schemas import AccountIn

# request attribute -> column, where they differ
_COLUMN = {"account_name": "name"}
_NOT_NULL = ("account_name", "account_type", "status", "external_ids")


def apply_fields(row: Account, changes: dict[str, Any]) -> None:
    """Copy validated request fields onto the row (external ids are kept elsewhere)."""
    reject_nulls(changes, _NOT_NULL)
    for name, value in changes.items():
        if name == "external_ids":
            continue
        if name in ("billing_address", "shipping_address") and value is not None:
            value = value.model_dump()
        setattr(row, _COLUMN.get(name, name), value)


def set_external_ids(session: Session, account_id: str, ids: dict[str, str]) -> None:
    """Replace an account's external ids; an id held by another account is a conflict."""
    for system, external_id in ids.items():
        holder = session.scalar(
            sa.select(AccountExternalId.account_id).where(
                AccountExternalId.system == system,
                AccountExternalId.external_id == external_id,
                AccountExternalId.account_id != account_id,
            )
        )
        if holder is not None:
            raise ApiError(
                409,
                "duplicate_external_id",
                f"externalIds.{system}: {external_id} already belongs to account {holder}",
                field=f"externalIds.{system}",
            )
    session.execute(sa.delete(AccountExternalId).where(AccountExternalId.account_id == account_id))
    session.flush()
    session.add_all(
        AccountExternalId(account_id=account_id, system=s, external_id=e) for s, e in ids.items()
    )


def create(session: Session, body: AccountIn, now: datetime) -> Account:
    row = Account()
    stamp_new(row, new_id("acc"), now)
    apply_fields(row, {name: getattr(body, name) for name in AccountIn.model_fields})
    session.add(row)
    session.flush()
    set_external_ids(session, row.id, body.external_ids)
    return row


def replace(session: Session, row: Account, body: AccountIn, now: datetime) -> None:
    """PUT: every field takes the value sent (or its default when left out)."""
    apply_fields(row, {name: getattr(body, name) for name in AccountIn.model_fields})
    set_external_ids(session, row.id, body.external_ids)
    row.deleted = False
    touch(row, now)


def patch(session: Session, row: Account, changes: dict[str, Any], now: datetime) -> None:
    apply_fields(row, changes)
    if changes.get("external_ids") is not None:
        set_external_ids(session, row.id, changes["external_ids"])
    touch(row, now)


def find_by_external_id(session: Session, system: str, external_id: str) -> Account | None:
    """The account (live or tombstoned) carrying ``external_id`` in ``system``."""
    return session.scalar(
        sa.select(Account)
        .join(AccountExternalId, AccountExternalId.account_id == Account.id)
        .where(AccountExternalId.system == system, AccountExternalId.external_id == external_id)
    )


def upsert_body(body: AccountIn, system: str, external_id: str) -> AccountIn:
    """The body with the path's external id added; a different one for that system is 422."""
    sent = body.external_ids.get(system)
    if sent is not None and sent != external_id:
        raise ApiError(
            422,
            "invalid",
            f"externalIds.{system}: {sent} contradicts the path's {external_id}",
            field=f"externalIds.{system}",
        )
    return body.model_copy(update={"external_ids": {**body.external_ids, system: external_id}})
