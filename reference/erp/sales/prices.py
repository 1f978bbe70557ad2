"""Price list operations: set a price (recording its history) and read the history."""

from __future__ import annotations

import re

import sqlalchemy as sa
from lxml import etree

from reference.erp.models import PriceChange, PriceListEntry
from reference.erp.sales.items import get_item_row, price_element
from reference.erp.sales.rules import DEFAULT_PRICE_LIST, check_amount, check_currency
from reference.erp.sales.xmlns import B
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.service import (
    OperationContext,
    opt_date,
    opt_int,
    opt_text,
    req_decimal,
    req_text,
)

_PRICE_LIST = re.compile(r"[A-Z0-9]{2,4}")
MAX_HISTORY = 1000


def change_element(parent: etree._Element, change: PriceChange) -> None:
    """Append a PriceChange element."""
    node = B.group(parent, "PriceChange")
    B.fields(
        node,
        [
            ("ChangeId", change.id),
            ("MaterialNo", change.material_no),
            ("PriceList", change.price_list),
            ("Currency", change.currency),
            ("OldAmount", change.old_amount),
            ("NewAmount", change.new_amount),
            ("ValidFrom", change.valid_from),
            ("ChangedAt", change.changed_at),
            ("ChangedBy", change.changed_by),
            ("Reason", change.reason),
        ],
    )


def set_price(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """Set a material's price; a real change is recorded and moves the item's ChangedAt."""
    item = get_item_row(ctx.session, req_text(req, "MaterialNo"))
    price_list = opt_text(req, "PriceList") or DEFAULT_PRICE_LIST
    if not _PRICE_LIST.fullmatch(price_list):
        raise SoapFault.validation("PriceList", "2-4 upper-case letters or digits")
    currency = check_currency(req_text(req, "Currency"))
    amount = check_amount(req_decimal(req, "Amount"), "Amount", positive=True)
    unit = opt_int(req, "PriceUnit") or 1
    if not 1 <= unit <= 10000:
        raise SoapFault.validation("PriceUnit", "between 1 and 10000")
    valid_from = opt_date(req, "ValidFrom") or ctx.now.date()
    reason = opt_text(req, "Reason", max_len=120)
    entry = ctx.session.get(PriceListEntry, (item.material_no, price_list, currency))
    old = None if entry is None else entry.amount
    change: PriceChange | None = None
    if entry is None:
        entry = PriceListEntry(
            material_no=item.material_no,
            price_list=price_list,
            currency=currency,
            amount=amount,
            price_unit=unit,
            valid_from=valid_from,
            changed_at=ctx.now,
        )
        ctx.session.add(entry)
    changed = entry.changed_at == ctx.now or (entry.amount, entry.price_unit) != (amount, unit)
    if changed:
        entry.amount, entry.price_unit, entry.valid_from = amount, unit, valid_from
        entry.changed_at = ctx.now
        item.changed_at = ctx.now
        change = PriceChange(
            material_no=item.material_no,
            price_list=price_list,
            currency=currency,
            old_amount=old,
            new_amount=amount,
            valid_from=valid_from,
            changed_at=ctx.now,
            changed_by=ctx.user,
            reason=reason,
        )
        ctx.session.add(change)
        ctx.session.flush()
    response = B.el("SetPriceResponse")
    B.sub(response, "Changed", changed)
    price_element(response, entry)
    if change is not None:
        change_element(response, change)
    return response


def get_price_history(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """Price changes of a material, oldest first, optionally for one list and currency."""
    item = get_item_row(ctx.session, req_text(req, "MaterialNo"))
    query = sa.select(PriceChange).where(PriceChange.material_no == item.material_no)
    price_list = opt_text(req, "PriceList")
    if price_list is not None:
        query = query.where(PriceChange.price_list == price_list)
    currency = opt_text(req, "Currency")
    if currency is not None:
        query = query.where(PriceChange.currency == currency)
    response = B.el("GetPriceHistoryResponse")
    for change in ctx.session.scalars(query.order_by(PriceChange.id).limit(MAX_HISTORY)):
        change_element(response, change)
    return response
